#include "sse_port.hpp"

#include <string>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>

#include "shared_connection_port.hpp"
#include "sse_connection.hpp"

namespace goldenpath::detail {
namespace {

namespace net = boost::asio;
using net::awaitable;

class SsePort final : public SharedConnectionPort<SseConnection> {
  public:
    SsePort(const net::any_io_executor& executor, std::shared_ptr<HostResolver> resolver)
        : SharedConnectionPort(std::make_shared<SseConnection>(executor, std::move(resolver))),
          executor_(executor) {}
    ~SsePort() override {
        try {
            // A read may be pending: shutting the socket completes it, which frees the connection.
            net::post(executor_, [shared = connection()] { shared->close_socket(); });
        } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor never throws
        }
    }
    SsePort(const SsePort&) = delete;
    SsePort& operator=(const SsePort&) = delete;

    awaitable<std::vector<ReceivedFrame>> close(int /*code*/, std::string /*reason*/,
                                                Clock::time_point deadline) override {
        return connection()->close(deadline);
    }
    std::string selected_subprotocol() const override { return {}; }

  private:
    net::any_io_executor executor_;
};

}  // namespace

std::unique_ptr<ClientPort> sse_port(const net::any_io_executor& executor,
                                     std::shared_ptr<HostResolver> resolver) {
    return std::make_unique<SsePort>(executor, std::move(resolver));
}

}  // namespace goldenpath::detail
