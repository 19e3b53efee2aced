// The faces of BeastConnection (beast_connection.hpp): the journey's port on an executor, and
// BeastClient, the blocking facade on a private io_context that runs only inside its calls.
#include "goldenpath/beast_client.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "beast_connection.hpp"
#include "client_port.hpp"
#include "run_to_completion.hpp"
#include "shared_connection_port.hpp"
#include "sse_port.hpp"

namespace goldenpath {
namespace {

namespace net = boost::asio;
using detail::BeastConnection;
using detail::kBackgroundCloseTimeout;
using net::awaitable;

// A BeastConnection as the journey's port. Its destructor closes a connection still open on
// the connection's executor, without waiting (1001, going away).
class BeastPort final : public detail::SharedConnectionPort<BeastConnection> {
  public:
    BeastPort(const net::any_io_executor& executor, std::shared_ptr<HostResolver> resolver)
        : SharedConnectionPort(std::make_shared<BeastConnection>(executor, std::move(resolver))) {}
    ~BeastPort() override {
        if (!connection()->needs_close()) {
            return;
        }
        try {
            net::co_spawn(
                connection()->executor(),
                [shared = connection()]() -> awaitable<void> {
                    co_await shared->close(1001, "going away",
                                           Clock::now() + kBackgroundCloseTimeout);
                },
                net::detached);
        } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor never throws
        }
    }
    BeastPort(const BeastPort&) = delete;
    BeastPort& operator=(const BeastPort&) = delete;

    awaitable<std::vector<ReceivedFrame>> close(int code, std::string reason,
                                                Clock::time_point deadline) override {
        return connection()->close(code, std::move(reason), deadline);
    }
    std::string selected_subprotocol() const override {
        return connection()->selected_subprotocol();
    }
};

}  // namespace

namespace detail {

std::unique_ptr<ClientPort> beast_port(const net::any_io_executor& executor,
                                       std::shared_ptr<HostResolver> resolver) {
    return std::make_unique<BeastPort>(executor, std::move(resolver));
}

}  // namespace detail

// The blocking facade: the connection on a private io_context that runs only inside calls.
// http:// and https:// URLs go to an event-stream port on the same io_context instead.
class BeastClient::Impl {
  public:
    explicit Impl(std::shared_ptr<HostResolver> resolver)
        : resolver_(resolver),
          connection_(
              std::make_shared<BeastConnection>(context_.get_executor(), std::move(resolver))) {}
    ~Impl() {
        try {
            close(1001, "going away", Clock::now() + kBackgroundCloseTimeout);
        } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor never throws
        }
    }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    std::optional<Failure> connect(const ConnectRequest& request) {
        detail::validate_connect_request(request);
        if (request.url.event_stream()) {
            if (connection_->needs_close()) {
                close(1000, "reconnect", Clock::now() + kBackgroundCloseTimeout);
            }
            if (!event_stream_) {
                event_stream_ = detail::sse_port(context_.get_executor(), resolver_);
            }
            streaming_ = true;
            return detail::run_to_completion(context_, event_stream_->connect(request)).take();
        }
        if (streaming_) {
            close(1000, "reconnect", Clock::now() + kBackgroundCloseTimeout);
            streaming_ = false;
        }
        return detail::run_to_completion(context_, connection_->connect(request)).take();
    }
    std::optional<Failure> send_text(std::string_view text) {
        if (streaming_) {
            return detail::run_to_completion(context_, event_stream_->send_text(std::string(text)));
        }
        return detail::run_to_completion(context_, connection_->send_text(std::string(text)));
    }
    ReceiveResult receive(Clock::time_point deadline) {
        if (streaming_) {
            return std::move(
                *detail::run_to_completion(context_, event_stream_->receive(deadline)));
        }
        ReceiveResult result =
            std::move(*detail::run_to_completion(context_, connection_->receive(deadline)));
        if (result.status == ReceiveResult::Status::closed) {
            // receive() returns as the server's close frame arrives; Beast answers it right after.
            // With no thread of its own, the blocking client sends that answer now (the server
            // then sees its own code echoed), without waiting for the server's FIN.
            context_.restart();
            for (int round = 0; round < 8 && context_.poll() > 0; ++round) {
            }
        }
        return result;
    }
    std::vector<ReceivedFrame> close(int code, std::string_view reason,
                                     Clock::time_point deadline) {
        if (streaming_) {
            return detail::run_to_completion(
                context_, event_stream_->close(code, std::string(reason), deadline));
        }
        return detail::run_to_completion(context_,
                                         connection_->close(code, std::string(reason), deadline));
    }
    std::string selected_subprotocol() const {
        return streaming_ ? std::string() : connection_->selected_subprotocol();
    }
    bool tls_verification_skipped() const {
        return streaming_ ? event_stream_->tls_verification_skipped()
                          : connection_->tls_verification_skipped();
    }

  private:
    // Declared first so that it is destroyed last: queued handlers hold the connection.
    net::io_context context_{1};
    std::shared_ptr<HostResolver> resolver_;
    std::shared_ptr<BeastConnection> connection_;
    std::unique_ptr<detail::ClientPort> event_stream_;
    bool streaming_ = false;  // the last connect() went to an http:// or https:// URL
};

BeastClient::BeastClient(std::shared_ptr<HostResolver> resolver)
    : impl_(std::make_unique<Impl>(std::move(resolver))) {}

BeastClient::~BeastClient() = default;

std::optional<Failure> BeastClient::connect(const ConnectRequest& request) {
    return impl_->connect(request);
}

std::optional<Failure> BeastClient::send_text(std::string_view text) {
    return impl_->send_text(text);
}

ReceiveResult BeastClient::receive(Clock::time_point deadline) {
    return impl_->receive(deadline);
}

std::vector<ReceivedFrame> BeastClient::close(int code, std::string_view reason,
                                              Clock::time_point deadline) {
    return impl_->close(code, reason, deadline);
}

std::string BeastClient::selected_subprotocol() const {
    return impl_->selected_subprotocol();
}

bool BeastClient::tls_verification_skipped() const {
    return impl_->tls_verification_skipped();
}

}  // namespace goldenpath
