#include "sse_port.hpp"

#include <string>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>

#include "sse_connection.hpp"

namespace goldenpath::detail {
namespace {

namespace net = boost::asio;
using net::awaitable;

class SsePort final : public ClientPort {
  public:
    SsePort(const net::any_io_executor& executor, std::shared_ptr<HostResolver> resolver)
        : connection_(std::make_shared<SseConnection>(executor, std::move(resolver))),
          executor_(executor) {}
    ~SsePort() override {
        try {
            // A read may be pending: shutting the socket completes it, which frees the connection.
            net::post(executor_, [connection = connection_] { connection->close_socket(); });
        } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor never throws
        }
    }
    SsePort(const SsePort&) = delete;
    SsePort& operator=(const SsePort&) = delete;

    awaitable<std::optional<Failure>> connect(ConnectRequest request) override {
        return connection_->connect(std::move(request));
    }
    awaitable<std::optional<Failure>> send_text(std::string text) override {
        return connection_->send_text(std::move(text));
    }
    awaitable<ReceiveResult> receive(Clock::time_point deadline) override {
        return connection_->receive(deadline);
    }
    awaitable<std::vector<ReceivedFrame>> close(int /*code*/, std::string /*reason*/,
                                                Clock::time_point deadline) override {
        return connection_->close(deadline);
    }
    std::string selected_subprotocol() const override { return {}; }
    bool tls_verification_skipped() const override {
        return connection_->tls_verification_skipped();
    }

  private:
    std::shared_ptr<SseConnection> connection_;
    net::any_io_executor executor_;
};

}  // namespace

std::unique_ptr<ClientPort> sse_port(const net::any_io_executor& executor,
                                     std::shared_ptr<HostResolver> resolver) {
    return std::make_unique<SsePort>(executor, std::move(resolver));
}

}  // namespace goldenpath::detail
