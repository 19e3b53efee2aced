#include "client_port.hpp"

#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace goldenpath::detail {
namespace {

class BlockingPort final : public ClientPort {
  public:
    explicit BlockingPort(WebSocketClient& client) : client_(client) {}
    explicit BlockingPort(std::unique_ptr<WebSocketClient> client)
        : owned_(std::move(client)), client_(*owned_) {}

    boost::asio::awaitable<BoxedFailure> connect(const ConnectRequest& request) override {
        co_return client_.connect(request);
    }
    boost::asio::awaitable<std::optional<Failure>> send_text(std::string text) override {
        co_return client_.send_text(text);
    }
    boost::asio::awaitable<std::unique_ptr<ReceiveResult>> receive(
        Clock::time_point deadline) override {
        co_return std::make_unique<ReceiveResult>(client_.receive(deadline));
    }
    boost::asio::awaitable<std::vector<ReceivedFrame>> close(int code, std::string reason,
                                                             Clock::time_point deadline) override {
        co_return client_.close(code, reason, deadline);
    }
    std::string selected_subprotocol() const override { return client_.selected_subprotocol(); }
    bool tls_verification_skipped() const override { return client_.tls_verification_skipped(); }

  private:
    std::unique_ptr<WebSocketClient> owned_;
    WebSocketClient& client_;
};

class OffloadingPort final : public ClientPort {
  public:
    explicit OffloadingPort(std::unique_ptr<WebSocketClient> client) : client_(std::move(client)) {}
    ~OffloadingPort() override { worker_.join(); }
    OffloadingPort(const OffloadingPort&) = delete;
    OffloadingPort& operator=(const OffloadingPort&) = delete;

    boost::asio::awaitable<BoxedFailure> connect(const ConnectRequest& request) override {
        co_return co_await on_worker([this, &request] { return client_->connect(request); });
    }
    boost::asio::awaitable<std::optional<Failure>> send_text(std::string text) override {
        co_return co_await on_worker([this, &text] { return client_->send_text(text); });
    }
    boost::asio::awaitable<std::unique_ptr<ReceiveResult>> receive(
        Clock::time_point deadline) override {
        co_return std::make_unique<ReceiveResult>(
            co_await on_worker([this, deadline] { return client_->receive(deadline); }));
    }
    boost::asio::awaitable<std::vector<ReceivedFrame>> close(int code, std::string reason,
                                                             Clock::time_point deadline) override {
        co_return co_await on_worker(
            [this, code, &reason, deadline] { return client_->close(code, reason, deadline); });
    }
    // Read between calls, when the worker is idle.
    std::string selected_subprotocol() const override { return client_->selected_subprotocol(); }
    bool tls_verification_skipped() const override { return client_->tls_verification_skipped(); }

  private:
    // Runs `call` on the worker thread; the awaiting coroutine resumes on its own executor. The
    // references `call` holds stay valid: the caller is suspended until it returned.
    template <typename Call>
    auto on_worker(Call call) -> boost::asio::awaitable<decltype(call())> {
        using Result = decltype(call());
        co_return co_await boost::asio::co_spawn(
            worker_, [call]() -> boost::asio::awaitable<Result> { co_return call(); },
            boost::asio::use_awaitable);
    }

    std::unique_ptr<WebSocketClient> client_;
    boost::asio::thread_pool worker_{1};
};

}  // namespace

std::unique_ptr<ClientPort> offloading_port(std::unique_ptr<WebSocketClient> client) {
    return std::make_unique<OffloadingPort>(std::move(client));
}

std::unique_ptr<ClientPort> blocking_port(WebSocketClient& client) {
    return std::make_unique<BlockingPort>(client);
}

std::unique_ptr<ClientPort> blocking_port(std::unique_ptr<WebSocketClient> client) {
    return std::make_unique<BlockingPort>(std::move(client));
}

}  // namespace goldenpath::detail
