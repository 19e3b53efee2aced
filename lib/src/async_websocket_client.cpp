#include "goldenpath/async_websocket_client.hpp"

#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/strand.hpp>

#include "client_port.hpp"
#include "event_loop_impl.hpp"
#include "network_port.hpp"

namespace goldenpath {

namespace net = boost::asio;

// The client's state shared with its operations' handlers: the connection (a BeastConnection on
// a strand of the loop) and which operations are outstanding.
class AsyncWebSocketClient::Impl : public std::enable_shared_from_this<Impl> {
  public:
    enum class Operation { connect, send, receive, close };

    Impl(EventLoop& loop, std::shared_ptr<HostResolver> resolver, CompletionExecutor completions)
        : strand_(net::make_strand(detail::EventLoopAccess::context(loop))),
          port_(detail::network_port(strand_, std::move(resolver))),
          completions_(std::move(completions)) {}

    // Marks `operation` outstanding, or throws std::logic_error naming the one in the way.
    void begin(Operation operation) {
        std::lock_guard lock(mutex_);
        const auto conflict = [&]() -> const char* {
            if (connecting_) {
                return "async_connect";
            }
            if (closing_) {
                return "async_close";
            }
            if (operation == Operation::receive || operation == Operation::connect ||
                operation == Operation::close) {
                if (receiving_) {
                    return "async_receive";
                }
            }
            if (operation == Operation::send || operation == Operation::connect ||
                operation == Operation::close) {
                if (sending_) {
                    return "async_send_text";
                }
            }
            return nullptr;
        }();
        if (conflict != nullptr) {
            throw std::logic_error(std::string("AsyncWebSocketClient::") + name(operation) +
                                   " while " + conflict +
                                   " is outstanding: one operation at a time (only "
                                   "async_send_text may overlap async_receive)");
        }
        flag(operation) = true;
    }

    template <typename T, typename Handler>
    void start(Operation operation, net::awaitable<T> work, Handler done) {
        net::co_spawn(strand_, std::move(work),
                      [self = shared_from_this(), operation, done = std::move(done)](
                          const std::exception_ptr& thrown, T value) {
                          self->end(operation);
                          if (thrown) {
                              std::rethrow_exception(thrown);
                          }
                          if (self->completions_) {
                              self->completions_([done, value = std::move(value)]() mutable {
                                  done(std::move(value));
                              });
                          } else {
                              done(std::move(value));
                          }
                      });
    }

    void connected() {
        std::lock_guard lock(mutex_);
        subprotocol_ = port_->selected_subprotocol();
        verification_skipped_ = port_->tls_verification_skipped();
    }

    std::string selected_subprotocol() const {
        std::lock_guard lock(mutex_);
        return subprotocol_;
    }
    bool tls_verification_skipped() const {
        std::lock_guard lock(mutex_);
        return verification_skipped_;
    }

    detail::ClientPort& port() { return *port_; }
    bool abandoned() const {
        std::lock_guard lock(mutex_);
        return abandoned_;
    }

    // The owner is gone: close in the background, unless an operation will end the connection
    // anyway (a connect or close in flight) or there is nothing to close.
    void abandon() {
        {
            std::lock_guard lock(mutex_);
            abandoned_ = true;
            if (connecting_ || closing_) {
                return;
            }
            closing_ = true;
        }
        start(Operation::close, port_->close(1001, "going away", Clock::now() + Milliseconds{200}),
              [](const std::vector<ReceivedFrame>& /*late frames nobody reads*/) {});
    }

  private:
    static const char* name(Operation operation) {
        switch (operation) {
            case Operation::connect:
                return "async_connect";
            case Operation::send:
                return "async_send_text";
            case Operation::receive:
                return "async_receive";
            case Operation::close:
                return "async_close";
        }
        return "?";
    }
    bool& flag(Operation operation) {
        switch (operation) {
            case Operation::connect:
                return connecting_;
            case Operation::send:
                return sending_;
            case Operation::receive:
                return receiving_;
            case Operation::close:
                break;
        }
        return closing_;
    }
    void end(Operation operation) {
        std::lock_guard lock(mutex_);
        flag(operation) = false;
    }

    net::any_io_executor strand_;
    std::unique_ptr<detail::ClientPort> port_;
    CompletionExecutor completions_;
    mutable std::mutex mutex_;
    bool connecting_ = false;
    bool sending_ = false;
    bool receiving_ = false;
    bool closing_ = false;
    bool abandoned_ = false;
    std::string subprotocol_;
    bool verification_skipped_ = false;
};

AsyncWebSocketClient::AsyncWebSocketClient(EventLoop& loop, std::shared_ptr<HostResolver> resolver,
                                           CompletionExecutor completions)
    : impl_(std::make_shared<Impl>(loop, std::move(resolver), std::move(completions))) {}

AsyncWebSocketClient::~AsyncWebSocketClient() {
    try {
        impl_->abandon();
    } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor never throws
    }
}

void AsyncWebSocketClient::async_connect(ConnectRequest request, ConnectHandler done) {
    detail::validate_connect_request(request);
    impl_->begin(Impl::Operation::connect);
    // The connection's results are copied on the strand, before the callback may run elsewhere.
    auto connect_then_record = [](Impl* impl,
                                  ConnectRequest wanted) -> net::awaitable<std::optional<Failure>> {
        auto failure = co_await impl->port().connect(wanted);
        impl->connected();
        co_return std::move(failure).take();
    };
    impl_->start(Impl::Operation::connect, connect_then_record(impl_.get(), std::move(request)),
                 std::move(done));
}

void AsyncWebSocketClient::async_send_text(std::string text, SendHandler done) {
    impl_->begin(Impl::Operation::send);
    impl_->start(Impl::Operation::send, impl_->port().send_text(std::move(text)), std::move(done));
}

void AsyncWebSocketClient::async_receive(Clock::time_point deadline, ReceiveHandler done) {
    impl_->begin(Impl::Operation::receive);
    // The background close of a destroyed client ends a pending receive early; its owner learns
    // that the connection is gone, not of a deadline.
    auto receive_or_abandoned = [](Impl* impl,
                                   Clock::time_point until) -> net::awaitable<ReceiveResult> {
        auto result = co_await impl->port().receive(until);
        if (result->status == ReceiveResult::Status::timeout && impl->abandoned()) {
            result->status = ReceiveResult::Status::closed;
            result->close = CloseInfo{1001, "going away (client destroyed)"};
        }
        co_return std::move(*result);
    };
    impl_->start(Impl::Operation::receive, receive_or_abandoned(impl_.get(), deadline),
                 std::move(done));
}

void AsyncWebSocketClient::async_close(int code, std::string reason, Clock::time_point deadline,
                                       CloseHandler done) {
    impl_->begin(Impl::Operation::close);
    impl_->start(Impl::Operation::close, impl_->port().close(code, std::move(reason), deadline),
                 std::move(done));
}

std::string AsyncWebSocketClient::selected_subprotocol() const {
    return impl_->selected_subprotocol();
}

bool AsyncWebSocketClient::tls_verification_skipped() const {
    return impl_->tls_verification_skipped();
}

}  // namespace goldenpath
