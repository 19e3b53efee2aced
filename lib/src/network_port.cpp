#include "network_port.hpp"

#include <string>
#include <utility>
#include <vector>

#include "sse_port.hpp"

namespace goldenpath::detail {
namespace {

namespace net = boost::asio;
using net::awaitable;

class NetworkPort final : public ClientPort {
  public:
    NetworkPort(net::any_io_executor executor, std::shared_ptr<HostResolver> resolver)
        : executor_(std::move(executor)), resolver_(std::move(resolver)) {}

    awaitable<BoxedFailure> connect(const ConnectRequest& request) override {
        const bool event_stream = request.url.event_stream();
        if (!port_ || event_stream != event_stream_) {
            port_.reset();  // its destructor ends what is left of the old connection
            port_ =
                event_stream ? sse_port(executor_, resolver_) : beast_port(executor_, resolver_);
            event_stream_ = event_stream;
        }
        co_return co_await port_->connect(request);
    }
    awaitable<std::optional<Failure>> send_text(std::string text) override {
        if (!port_) {
            co_return not_connected();
        }
        co_return co_await port_->send_text(std::move(text));
    }
    awaitable<std::unique_ptr<ReceiveResult>> receive(Clock::time_point deadline) override {
        if (!port_) {
            auto result = std::make_unique<ReceiveResult>();
            result->status = ReceiveResult::Status::closed;
            result->close = CloseInfo{1006, "not connected"};
            co_return result;
        }
        co_return co_await port_->receive(deadline);
    }
    awaitable<std::vector<ReceivedFrame>> close(int code, std::string reason,
                                                Clock::time_point deadline) override {
        if (!port_) {
            co_return std::vector<ReceivedFrame>{};
        }
        co_return co_await port_->close(code, std::move(reason), deadline);
    }
    std::string selected_subprotocol() const override {
        return port_ ? port_->selected_subprotocol() : std::string();
    }
    bool tls_verification_skipped() const override {
        return port_ && port_->tls_verification_skipped();
    }

  private:
    static Failure not_connected() {
        Failure failure;
        failure.kind = FailureKind::closed;
        failure.phase = Phase::completion;
        failure.detail = "cannot send: the connection is not open";
        failure.close_code = 1006;
        failure.close_reason = "not connected";
        return failure;
    }

    net::any_io_executor executor_;
    std::shared_ptr<HostResolver> resolver_;
    std::unique_ptr<ClientPort> port_;
    bool event_stream_ = false;
};

}  // namespace

std::unique_ptr<ClientPort> network_port(const net::any_io_executor& executor,
                                         std::shared_ptr<HostResolver> resolver) {
    return std::make_unique<NetworkPort>(executor, std::move(resolver));
}

}  // namespace goldenpath::detail
