#include "client_port.hpp"

#include <utility>

namespace goldenpath::detail {
namespace {

class BlockingPort final : public ClientPort {
  public:
    explicit BlockingPort(WebSocketClient& client) : client_(client) {}
    explicit BlockingPort(std::unique_ptr<WebSocketClient> client)
        : owned_(std::move(client)), client_(*owned_) {}

    boost::asio::awaitable<std::optional<Failure>> connect(ConnectRequest request) override {
        co_return client_.connect(request);
    }
    boost::asio::awaitable<std::optional<Failure>> send_text(std::string text) override {
        co_return client_.send_text(text);
    }
    boost::asio::awaitable<ReceiveResult> receive(Clock::time_point deadline) override {
        co_return client_.receive(deadline);
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

}  // namespace

std::unique_ptr<ClientPort> blocking_port(WebSocketClient& client) {
    return std::make_unique<BlockingPort>(client);
}

std::unique_ptr<ClientPort> blocking_port(std::unique_ptr<WebSocketClient> client) {
    return std::make_unique<BlockingPort>(std::move(client));
}

}  // namespace goldenpath::detail
