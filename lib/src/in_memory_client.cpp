#include "goldenpath/in_memory_client.hpp"

#include <fmt/format.h>

#include "agent_protocol.hpp"
#include "goldenpath/secret.hpp"
#include "harness_error.hpp"
#include "retry_decision.hpp"
#include "script_runner.hpp"

namespace goldenpath {

InMemoryClient::InMemoryClient(AgentServerDoubleOptions options) : options_(std::move(options)) {}

std::optional<Failure> InMemoryClient::connect(const ConnectRequest& request) {
    if (connected_) {
        return Failure::closed(Phase::upgrade, 0, {}, std::nullopt,
                               "already connected: an InMemoryClient is one connection")
            .on(request.url.to_string());
    }
    recorded_ = RecordedConnection{};
    recorded_.id = 1;
    recorded_.target = request.url.target();
    recorded_.headers = request.headers;
    recorded_.headers.emplace_back("Host", request.url.host_for_header());
    recorded_.offered_subprotocols = request.subprotocols;
    recorded_.accepted_at = Clock::now();
    if (options_.upgrade_fault_for && options_.upgrade_fault_for(recorded_) != UpgradeFault::none) {
        Failure failure =
            Failure::closed(Phase::upgrade, 1006, "connection dropped before the upgrade",
                            std::nullopt,
                            "the server dropped the connection before answering the upgrade")
                .on(request.url.to_string());
        failure.retryable = detail::is_retryable(failure);
        return failure;
    }
    const auto decision = detail::decide_upgrade(recorded_, options_);
    recorded_.rejected_status = decision.reject_status;
    recorded_.selected_subprotocol = decision.selected_subprotocol;
    if (decision.reject_status != 0) {
        std::string body = decision.body;
        for (const auto& secret : request.secrets) {
            body = redact(std::move(body), secret);
        }
        Failure failure = Failure::http_error(decision.reject_status, std::move(body), {})
                              .on(request.url.to_string());
        if (decision.reject_status == 401 || decision.reject_status == 403) {
            failure.kind = FailureKind::auth_rejected;
        }
        failure.retryable = detail::is_retryable(failure);
        return failure;
    }
    recorded_.upgraded = true;
    connected_ = true;
    if (detail::sends_ready_message(options_)) {
        outbox_.push_back({Outgoing::Kind::frame, detail::ready_message(1, options_.profile), 1000,
                           Clock::now()});
    }
    return std::nullopt;
}

std::optional<Failure> InMemoryClient::not_open(std::string_view what) const {
    return Failure::closed(Phase::completion, closed_ ? closed_->code : 1006,
                           closed_ ? closed_->reason : "not connected", std::nullopt,
                           fmt::format("cannot {}: the connection is not open", what));
}

std::optional<Failure> InMemoryClient::send_text(std::string_view text) {
    if (!connected_ || closed_) {
        return not_open("send");
    }
    recorded_.received.emplace_back(text);
    run_script(text);
    return std::nullopt;
}

void InMemoryClient::run_script(std::string_view message) {
    std::optional<detail::Reply> reply;
    try {
        reply = detail::answer(recorded_, message, options_);
    } catch (...) {
        // As AgentServerDouble does: the test's own double failed, and the close reason says so.
        outbox_.push_back({Outgoing::Kind::close,
                           detail::bounded_close_reason(detail::harness_error(
                               "AgentBehaviour", detail::describe_current_exception())),
                           1011, Clock::now()});
        return;
    }
    if (!reply) {
        return;
    }
    // Frames are due in virtual time: a delay moves `due` on, and nothing waits.
    class OutboxOutput final : public detail::ScriptOutput {
      public:
        explicit OutboxOutput(std::deque<Outgoing>& outbox) : outbox_(outbox) {}
        void text(std::string text) override {
            outbox_.push_back({Outgoing::Kind::frame, std::move(text), 1000, due_});
        }
        void binary(std::string payload) override {
            outbox_.push_back({Outgoing::Kind::frame, std::move(payload), 1000, due_, true});
        }
        // Answered by the client's WebSocket layer, never seen by its caller.
        void ping(std::string /*payload*/) override {}
        void close(int code, std::string reason) override {
            outbox_.push_back({Outgoing::Kind::close, std::move(reason), code, due_});
        }
        void reset() override {
            outbox_.push_back({Outgoing::Kind::close, "connection reset by peer", 1006, due_});
        }
        void stall() override { outbox_.push_back({Outgoing::Kind::stall, {}, 1000, due_}); }
        bool delay(Milliseconds delay) override {
            due_ += delay;
            return true;
        }

      private:
        std::deque<Outgoing>& outbox_;
        Clock::time_point due_ = Clock::now();
    };
    OutboxOutput output(outbox_);
    detail::ScriptRun run{std::move(reply->script), std::move(reply->ids)};
    (void)detail::advance_script_run(run, options_.profile, output);
}

ReceiveResult InMemoryClient::receive(Clock::time_point deadline) {
    ReceiveResult result;
    if (closed_ || !connected_) {
        result.status = ReceiveResult::Status::closed;
        result.close = closed_ ? *closed_ : CloseInfo{1006, "not connected"};
        return result;
    }
    if (outbox_.empty() || outbox_.front().kind == Outgoing::Kind::stall ||
        outbox_.front().due > deadline) {
        result.status = ReceiveResult::Status::timeout;
        return result;
    }
    Outgoing next = std::move(outbox_.front());
    outbox_.pop_front();
    if (next.kind == Outgoing::Kind::close) {
        closed_ = CloseInfo{next.close_code, next.text};
        result.status = ReceiveResult::Status::closed;
        result.close = *closed_;
        return result;
    }
    result.status = ReceiveResult::Status::frame;
    result.frame = ReceivedFrame{std::move(next.text), next.binary, next.due};
    return result;
}

std::vector<ReceivedFrame> InMemoryClient::close(int code, std::string_view reason,
                                                 Clock::time_point /*deadline*/) {
    std::vector<ReceivedFrame> late;
    if (!connected_ || closed_) {
        return late;
    }
    // The server answers our close after the frames it had already sent; like BeastClient,
    // at most kMaxLateFrames of them are handed back.
    constexpr std::size_t kMaxLateFrames = 100;
    while (!outbox_.empty() && outbox_.front().kind == Outgoing::Kind::frame &&
           late.size() < kMaxLateFrames) {
        late.push_back(ReceivedFrame{std::move(outbox_.front().text), outbox_.front().binary,
                                     outbox_.front().due});
        outbox_.pop_front();
    }
    outbox_.clear();
    recorded_.client_close_code = code;
    closed_ = CloseInfo{code, std::string(reason)};
    return late;
}

std::string InMemoryClient::selected_subprotocol() const {
    return recorded_.selected_subprotocol;
}

}  // namespace goldenpath
