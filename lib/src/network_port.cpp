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

    // Each call hands back the inner port's awaitable instead of awaiting it in a coroutine of its
    // own: a frame less for as long as a connection waits (10 000 users held one each), and the
    // calls are awaited where they are made (client_port.hpp).
    awaitable<BoxedFailure> connect(const ConnectRequest& request) override {
        const bool event_stream = request.url.event_stream();
        if (!port_ || event_stream != event_stream_) {
            port_.reset();  // its destructor ends what is left of the old connection
            port_ =
                event_stream ? sse_port(executor_, resolver_) : beast_port(executor_, resolver_);
            event_stream_ = event_stream;
        }
        return port_->connect(request);
    }
    awaitable<std::optional<Failure>> send_text(std::string text) override {
        return port_ ? port_->send_text(std::move(text)) : not_connected();
    }
    awaitable<std::unique_ptr<ReceiveResult>> receive(Clock::time_point deadline) override {
        return port_ ? port_->receive(deadline) : closed_before_connect();
    }
    awaitable<std::vector<ReceivedFrame>> close(int code, std::string reason,
                                                Clock::time_point deadline) override {
        return port_ ? port_->close(code, std::move(reason), deadline) : nothing_to_close();
    }
    std::string selected_subprotocol() const override {
        return port_ ? port_->selected_subprotocol() : std::string();
    }
    bool tls_verification_skipped() const override {
        return port_ && port_->tls_verification_skipped();
    }

  private:
    static awaitable<std::optional<Failure>> not_connected() {
        Failure failure;
        failure.kind = FailureKind::closed;
        failure.phase = Phase::completion;
        failure.detail = "cannot send: the connection is not open";
        failure.close_code = 1006;
        failure.close_reason = "not connected";
        co_return failure;
    }
    static awaitable<std::unique_ptr<ReceiveResult>> closed_before_connect() {
        auto result = std::make_unique<ReceiveResult>();
        result->status = ReceiveResult::Status::closed;
        result->close = CloseInfo{1006, "not connected"};
        co_return result;
    }
    static awaitable<std::vector<ReceivedFrame>> nothing_to_close() {
        co_return std::vector<ReceivedFrame>{};
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
