// Public enums and small value types print by name (issue 14.8): a failed EXPECT_EQ says
// `closed`, not `4-byte object <06-00 00-00>`.
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/endpoint_config.hpp"
#include "goldenpath/event_list_verdict.hpp"
#include "goldenpath/event_sequence_verifier.hpp"
#include "goldenpath/failure.hpp"
#include "goldenpath/fixtures/failing_websocket_client.hpp"
#include "goldenpath/fixtures/frame_trace.hpp"
#include "goldenpath/load_summary.hpp"
#include "goldenpath/protocol_profile.hpp"
#include "goldenpath/script.hpp"
#include "goldenpath/websocket_client.hpp"

namespace goldenpath {
namespace {

using testing::PrintToString;

TEST(ValuePrinting, EnumsPrintTheirNames) {
    EXPECT_EQ(PrintToString(FailureKind::closed), "closed");
    EXPECT_EQ(PrintToString(Phase::first_event), "first_event");
    EXPECT_EQ(PrintToString(Rule::foreign_event), "foreign_event");
    EXPECT_EQ(PrintToString(EventRole::ready), "ready");
    EXPECT_EQ(PrintToString(AuthMethod::subprotocol), "subprotocol");
    EXPECT_EQ(PrintToString(ReceiveResult::Status::timeout), "timeout");
    EXPECT_EQ(PrintToString(DeploymentEnvironment::staging), "staging");
    EXPECT_EQ(PrintToString(TlsCertificate::wrong_host), "wrong_host");
    EXPECT_EQ(PrintToString(UpgradeFault::reset), "reset");
    EXPECT_EQ(PrintToString(ScriptStep::Kind::send_binary), "send_binary");
    EXPECT_EQ(PrintToString(SlaExpression::Metric::first_event), "first_event");
    EXPECT_EQ(PrintToString(SlaExpression::Statistic::p99), "p99");
    EXPECT_EQ(PrintToString(fixtures::ClientOperation::receive), "receive");
    EXPECT_EQ(PrintToString(fixtures::ClientFault::malformed_frame), "malformed_frame");
    EXPECT_EQ(PrintToString(fixtures::FrameDirection::out), "out");
    EXPECT_EQ(PrintToString(fixtures::FrameOpcode::close), "close");
}

// Every value of an enum has a name of its own (a forgotten case would print "unknown_...").
template <typename Enum>
void expect_distinct_names(const std::vector<Enum>& values) {
    std::set<std::string> names;
    for (const Enum value : values) {
        const std::string name = PrintToString(value);
        EXPECT_THAT(name, testing::Not(testing::HasSubstr("unknown_")));
        EXPECT_THAT(name, testing::Not(testing::HasSubstr("object")));
        EXPECT_TRUE(names.insert(name).second) << name;
    }
}

TEST(ValuePrinting, EveryValueHasItsOwnName) {
    expect_distinct_names<FailureKind>(
        {FailureKind::refused, FailureKind::dns, FailureKind::timeout, FailureKind::tls,
         FailureKind::http_status, FailureKind::auth_rejected, FailureKind::closed,
         FailureKind::malformed_frame, FailureKind::protocol_violation, FailureKind::stalled,
         FailureKind::agent_error});
    expect_distinct_names<Phase>({Phase::connect, Phase::tls, Phase::upgrade, Phase::ready,
                                  Phase::first_event, Phase::completion});
    expect_distinct_names<Rule>(
        {Rule::first_not_started, Rule::duplicate_started, Rule::no_thinking_before_tool,
         Rule::unmatched_tool_completed, Rule::tool_open_at_completion, Rule::no_tool_call,
         Rule::event_after_completion, Rule::foreign_event, Rule::missing_field,
         Rule::ended_before_completion, Rule::agent_error, Rule::too_many_events});
    expect_distinct_names<EventRole>({EventRole::run_event, EventRole::terminal_failure,
                                      EventRole::ignored, EventRole::ready, EventRole::unknown});
    expect_distinct_names<AuthMethod>(
        {AuthMethod::header, AuthMethod::subprotocol, AuthMethod::query});
    expect_distinct_names<ReceiveResult::Status>(
        {ReceiveResult::Status::frame, ReceiveResult::Status::closed,
         ReceiveResult::Status::timeout, ReceiveResult::Status::error});
    expect_distinct_names<TlsCertificate>({TlsCertificate::valid, TlsCertificate::wrong_host,
                                           TlsCertificate::expired, TlsCertificate::not_yet_valid});
    expect_distinct_names<UpgradeFault>(
        {UpgradeFault::none, UpgradeFault::close, UpgradeFault::reset});
    expect_distinct_names<ScriptStep::Kind>(
        {ScriptStep::Kind::event, ScriptStep::Kind::send_raw, ScriptStep::Kind::close,
         ScriptStep::Kind::delay, ScriptStep::Kind::stall, ScriptStep::Kind::ping,
         ScriptStep::Kind::reset, ScriptStep::Kind::send_binary});
    expect_distinct_names<SlaExpression::Metric>(
        {SlaExpression::Metric::connect, SlaExpression::Metric::first_event,
         SlaExpression::Metric::completion, SlaExpression::Metric::success});
    expect_distinct_names<SlaExpression::Statistic>(
        {SlaExpression::Statistic::p50, SlaExpression::Statistic::p95,
         SlaExpression::Statistic::p99, SlaExpression::Statistic::max,
         SlaExpression::Statistic::rate});
}

TEST(ValuePrinting, SmallStructsPrintTheirFields) {
    EXPECT_EQ(PrintToString(RunIds{"t1", "r1"}), "{thread_id: t1, run_id: r1}");
    EXPECT_EQ(PrintToString(PhasePercentiles{3, 1.5, 2, 2.5, 3}),
              "{count: 3, p50: 1.5 ms, p95: 2 ms, p99: 2.5 ms, max: 3 ms}");
    // Deadlines given explicitly: the defaults follow GOLDENPATH_TIMEOUT_SCALE (CI runs at 3).
    Timeouts timeouts;
    timeouts.connect = Milliseconds{1000};
    timeouts.tls = Milliseconds{1000};
    timeouts.upgrade = Milliseconds{1000};
    timeouts.ready = Milliseconds{1000};
    timeouts.first_event = Milliseconds{2000};
    timeouts.completion = Milliseconds{10000};
    timeouts.max_gap = Milliseconds{5000};
    timeouts.close = Milliseconds{500};
    timeouts.linger = Milliseconds{0};
    EXPECT_EQ(PrintToString(timeouts),
              "{connect: 1000 ms, tls: 1000 ms, upgrade: 1000 ms, ready: 1000 ms, first_event: "
              "2000 ms, completion: 10000 ms, max_gap: 5000 ms, close: 500 ms, linger: 0 ms}");
    RetryPolicy retry;
    retry.overall_deadline = Milliseconds{10000};
    EXPECT_EQ(PrintToString(retry),
              "{max_attempts: 1, initial_backoff: 100 ms, multiplier: 2, max_backoff: 2000 ms, "
              "jitter: 0.2, overall_deadline: 10000 ms}");
    JourneySample sample;
    sample.failure_label = "closed(1011)";
    EXPECT_THAT(PrintToString(sample), testing::HasSubstr("\"failure\":\"closed(1011)\""));
}

TEST(ValuePrinting, AFailedExpectEqNamesBothValues) {
    EXPECT_NONFATAL_FAILURE(EXPECT_EQ(FailureKind::closed, FailureKind::refused),
                            "Which is: closed");
    EXPECT_NONFATAL_FAILURE(EXPECT_EQ(Rule::no_tool_call, Rule::first_not_started),
                            "Which is: no_tool_call");
}

}  // namespace
}  // namespace goldenpath
