// How public enums and small value types print: by name, so a failed EXPECT_EQ (GoogleTest uses
// operator<< when there is one) says `closed`, not `4-byte object <06-00 00-00>`.
#include <ostream>
#include <string_view>

#include <fmt/format.h>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/endpoint_config.hpp"
#include "goldenpath/event_list_verdict.hpp"
#include "goldenpath/event_sequence_verifier.hpp"
#include "goldenpath/failure.hpp"
#include "goldenpath/load_summary.hpp"
#include "goldenpath/protocol_profile.hpp"
#include "goldenpath/script.hpp"
#include "goldenpath/websocket_client.hpp"

namespace goldenpath {

std::string_view to_string(EventRole role) noexcept {
    switch (role) {
        case EventRole::run_event:
            return "run_event";
        case EventRole::terminal_failure:
            return "terminal_failure";
        case EventRole::ignored:
            return "ignored";
        case EventRole::ready:
            return "ready";
        case EventRole::unknown:
            return "unknown";
    }
    return "unknown_role";
}

std::ostream& operator<<(std::ostream& out, FailureKind kind) {
    return out << to_string(kind);
}

std::ostream& operator<<(std::ostream& out, Phase phase) {
    return out << to_string(phase);
}

std::ostream& operator<<(std::ostream& out, Rule rule) {
    return out << rule_name(rule);
}

std::ostream& operator<<(std::ostream& out, EventRole role) {
    return out << to_string(role);
}

std::ostream& operator<<(std::ostream& out, AuthMethod method) {
    switch (method) {
        case AuthMethod::header:
            return out << "header";
        case AuthMethod::subprotocol:
            return out << "subprotocol";
        case AuthMethod::query:
            return out << "query";
    }
    return out << "unknown_auth_method";
}

std::ostream& operator<<(std::ostream& out, ReceiveResult::Status status) {
    switch (status) {
        case ReceiveResult::Status::frame:
            return out << "frame";
        case ReceiveResult::Status::closed:
            return out << "closed";
        case ReceiveResult::Status::timeout:
            return out << "timeout";
        case ReceiveResult::Status::error:
            return out << "error";
    }
    return out << "unknown_status";
}

std::ostream& operator<<(std::ostream& out, TlsCertificate certificate) {
    switch (certificate) {
        case TlsCertificate::valid:
            return out << "valid";
        case TlsCertificate::wrong_host:
            return out << "wrong_host";
        case TlsCertificate::expired:
            return out << "expired";
        case TlsCertificate::not_yet_valid:
            return out << "not_yet_valid";
    }
    return out << "unknown_certificate";
}

std::ostream& operator<<(std::ostream& out, UpgradeFault fault) {
    switch (fault) {
        case UpgradeFault::none:
            return out << "none";
        case UpgradeFault::close:
            return out << "close";
        case UpgradeFault::reset:
            return out << "reset";
    }
    return out << "unknown_upgrade_fault";
}

std::ostream& operator<<(std::ostream& out, ScriptStep::Kind kind) {
    switch (kind) {
        case ScriptStep::Kind::event:
            return out << "event";
        case ScriptStep::Kind::send_raw:
            return out << "send_raw";
        case ScriptStep::Kind::close:
            return out << "close";
        case ScriptStep::Kind::delay:
            return out << "delay";
        case ScriptStep::Kind::stall:
            return out << "stall";
        case ScriptStep::Kind::ping:
            return out << "ping";
        case ScriptStep::Kind::reset:
            return out << "reset";
        case ScriptStep::Kind::send_binary:
            return out << "send_binary";
    }
    return out << "unknown_step";
}

std::ostream& operator<<(std::ostream& out, SlaExpression::Metric metric) {
    switch (metric) {
        case SlaExpression::Metric::connect:
            return out << "connect";
        case SlaExpression::Metric::first_event:
            return out << "first_event";
        case SlaExpression::Metric::completion:
            return out << "completion";
        case SlaExpression::Metric::success:
            return out << "success";
    }
    return out << "unknown_metric";
}

std::ostream& operator<<(std::ostream& out, SlaExpression::Statistic statistic) {
    switch (statistic) {
        case SlaExpression::Statistic::p50:
            return out << "p50";
        case SlaExpression::Statistic::p95:
            return out << "p95";
        case SlaExpression::Statistic::p99:
            return out << "p99";
        case SlaExpression::Statistic::max:
            return out << "max";
        case SlaExpression::Statistic::rate:
            return out << "rate";
    }
    return out << "unknown_statistic";
}

std::ostream& operator<<(std::ostream& out, const JourneySample& sample) {
    return out << sample.to_json().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::ostream& operator<<(std::ostream& out, const PhasePercentiles& percentiles) {
    return out << fmt::format("{{count: {}, p50: {} ms, p95: {} ms, p99: {} ms, max: {} ms}}",
                              percentiles.count, percentiles.p50, percentiles.p95, percentiles.p99,
                              percentiles.max);
}

std::ostream& operator<<(std::ostream& out, const Timeouts& timeouts) {
    return out << fmt::format(
               "{{connect: {} ms, tls: {} ms, upgrade: {} ms, ready: {} ms, first_event: {} ms, "
               "completion: {} ms, max_gap: {} ms, close: {} ms, linger: {} ms}}",
               timeouts.connect.count(), timeouts.tls.count(), timeouts.upgrade.count(),
               timeouts.ready.count(), timeouts.first_event.count(), timeouts.completion.count(),
               timeouts.max_gap.count(), timeouts.close.count(), timeouts.linger.count());
}

std::ostream& operator<<(std::ostream& out, const RetryPolicy& policy) {
    return out << fmt::format(
               "{{max_attempts: {}, initial_backoff: {} ms, multiplier: {}, max_backoff: {} ms, "
               "jitter: {}, overall_deadline: {} ms}}",
               policy.max_attempts, policy.initial_backoff.count(), policy.multiplier,
               policy.max_backoff.count(), policy.jitter, policy.overall_deadline.count());
}

std::ostream& operator<<(std::ostream& out, const RunIds& ids) {
    return out << "{thread_id: " << ids.thread_id << ", run_id: " << ids.run_id << "}";
}

}  // namespace goldenpath
