// Every fault the AgentServerDouble can inject (docs/test-authors.md), through the real BeastClient
// and GoldenPathJourney, over ws://, wss://, http:// and https:// (server-sent events): the exact
// failure kind, code and event index, each within its configured deadline (300 ms phases, asserted
// with +250 ms).
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/failure.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/script.hpp"
#include "goldenpath/timeout_scale.hpp"
#include "transport_test_support.hpp"

namespace goldenpath {
namespace {

using namespace std::chrono_literals;
using testing::HasSubstr;

const Milliseconds kPhaseDeadline = scaled(Milliseconds{300});
// The deadlines the waiting faults wait out (first event, gap between events): shorter than the
// others, since 12 of the matrix's cases wait for them. What they bound takes under 5 ms on
// loopback (the double writes a script's events back to back), 20x less than this.
const Milliseconds kWaitDeadline = scaled(Milliseconds{100});
const double kSlackMs = 250.0 * timeout_scale();

// What a fault must produce; built with fails() and the setters. Unset fields are not checked.
struct Expected {
    std::optional<FailureKind> kind;  // nullopt: the journey passes
    std::string label;                // Failure::kind_label()
    std::optional<int> close_code;
    std::optional<std::size_t> after_event;
    std::string rule;  // protocol_violation
    std::optional<std::size_t> event_index;
    std::optional<std::size_t> frame_index;  // malformed_frame
    std::optional<int> http_status;
    // The configured deadline the journey waits out before it can fail (0: fails without
    // waiting for one); the journey must end within it plus the close deadline plus slack.
    Milliseconds waits{0};

    Expected& closed(int code, std::size_t after) {
        close_code = code;
        after_event = after;
        return *this;
    }
    Expected& after(std::size_t events) {
        after_event = events;
        return *this;
    }
    Expected& violates(std::string rule_name, std::size_t index) {
        rule = std::move(rule_name);
        event_index = index;
        return *this;
    }
    Expected& frame(std::size_t index) {
        frame_index = index;
        return *this;
    }
    Expected& status(int code) {
        http_status = code;
        return *this;
    }
    Expected& waiting(Milliseconds deadline) {
        waits = deadline;
        return *this;
    }
};

Expected fails(FailureKind kind, std::string label) {
    Expected expected;
    expected.kind = kind;
    expected.label = std::move(label);
    return expected;
}

Expected passes() {
    return Expected{};
}

struct Fault {
    std::string name;
    std::function<void(AgentServerDoubleOptions&)> inject;
    Expected expected;
    // Over http:// and https:// when it differs: an event stream has no close code (a close step
    // ends the answer: closed(1006)) and no ready event before the run (frames count one less).
    std::optional<Expected> over_event_stream;
};

Script golden_with(std::size_t before_event, ScriptStep step) {
    return Script::golden_path().insert_before_event(before_event, std::move(step));
}

ScriptStep close_step(int code, std::string reason) {
    ScriptStep step;
    step.kind = ScriptStep::Kind::close;
    step.close_code = code;
    step.text = std::move(reason);
    return step;
}

ScriptStep step_of(ScriptStep::Kind kind, std::string text = {}, Milliseconds delay = {}) {
    ScriptStep step;
    step.kind = kind;
    step.text = std::move(text);
    step.delay = delay;
    return step;
}

std::vector<Fault> all_faults() {
    std::vector<Fault> faults;
    const auto add = [&faults](std::string name, std::function<void(AgentServerDoubleOptions&)> f,
                               Expected expected, std::optional<Expected> over_event_stream = {}) {
        faults.push_back(Fault{std::move(name), std::move(f), std::move(expected),
                               std::move(over_event_stream)});
    };
    add(
        "RejectUpgrade404", [](auto& o) { o.reject_upgrade_status = 404; },
        fails(FailureKind::http_status, "http_status(404)").status(404));
    add(
        "Reject401WithoutToken", [](auto& o) { o.tokens = {"expected-token"}; },
        fails(FailureKind::auth_rejected, "auth_rejected").status(401));
    add(
        "CloseBeforeFirstEvent", [](auto& o) { o.script = Script().close(1011, "boom"); },
        fails(FailureKind::closed, "closed(1011)").closed(1011, 0),
        fails(FailureKind::closed, "closed(1006)").closed(1006, 0));
    add(
        "CloseAfterEvent2",
        [](auto& o) { o.script = golden_with(2, close_step(1011, "tool crashed")); },
        fails(FailureKind::closed, "closed(1011)").closed(1011, 2),
        fails(FailureKind::closed, "closed(1006)").closed(1006, 2));
    add(
        "AuthFailedAndClose1008AfterUpgrade",
        [](auto& o) {
            // Like servers that check the token after accepting: before any start message.
            o.send_connection_established = false;
            o.on_connection = [](const std::shared_ptr<ServerConnection>& connection) {
                connection->send_text(
                    R"({"type":"error_message","error_code":"AUTH_FAILED","message":"expired"})");
                // ...and close right after, so the server's close frame races the client's own
                // close (BeastClient::close() must not write twice at once).
                connection->close(1008, "token expired");
            };
        },
        fails(FailureKind::auth_rejected, "auth_rejected"),
        // An event stream has no time before the run: the error is the start message's answer.
        fails(FailureKind::agent_error, "agent_error(error_message)"));
    add(
        "Close1008MidRunIsAuthRejected",
        [](auto& o) { o.script = golden_with(1, close_step(1008, "token revoked")); },
        fails(FailureKind::auth_rejected, "auth_rejected").closed(1008, 1),
        fails(FailureKind::closed, "closed(1006)").closed(1006, 1));
    add(
        "MalformedJsonBeforeEvent2",
        [](auto& o) {
            o.script = golden_with(2, step_of(ScriptStep::Kind::send_raw, "{not json"));
        },
        // Frames: connection_established, started, thinking, then the bad one.
        fails(FailureKind::malformed_frame, "malformed_frame(3)").frame(3),
        fails(FailureKind::malformed_frame, "malformed_frame(2)").frame(2));
    add(
        "BinaryFrameBeforeEvent2",
        [](auto& o) {
            o.script = golden_with(2, step_of(ScriptStep::Kind::send_binary, "\x01\x02"));
        },
        // Over an event stream the bytes are an event's data, which is no JSON.
        fails(FailureKind::malformed_frame, "malformed_frame(3)").frame(3),
        fails(FailureKind::malformed_frame, "malformed_frame(2)").frame(2));
    add(
        "DropThinking", [](auto& o) { o.script = Script::golden_path().drop_event(1); },
        fails(FailureKind::protocol_violation, "protocol_violation(no_thinking_before_tool)")
            .violates("no_thinking_before_tool", 1));
    add(
        "DuplicateStarted", [](auto& o) { o.script = Script::golden_path().duplicate_event(0); },
        fails(FailureKind::protocol_violation, "protocol_violation(duplicate_started)")
            .violates("duplicate_started", 1));
    add(
        "ReorderToolPair", [](auto& o) { o.script = Script::golden_path().swap_events(2, 3); },
        fails(FailureKind::protocol_violation, "protocol_violation(unmatched_tool_completed)")
            .violates("unmatched_tool_completed", 2));
    add(
        "DelayBeyondMaxGap",
        [](auto& o) {
            o.script = golden_with(2, step_of(ScriptStep::Kind::delay, {}, 2 * kWaitDeadline));
        },
        fails(FailureKind::stalled, "stalled").after(2).waiting(kWaitDeadline));
    add(
        "StallBeforeFirstEvent", [](auto& o) { o.script = Script().stall(); },
        fails(FailureKind::timeout, "timeout(first_event)").waiting(kWaitDeadline));
    add(
        "StallAfterEvent2",
        [](auto& o) { o.script = golden_with(2, step_of(ScriptStep::Kind::stall)); },
        fails(FailureKind::stalled, "stalled").after(2).waiting(kWaitDeadline));
    add(
        "PingBetweenEventsPasses",
        [](auto& o) {
            o.script = golden_with(2, step_of(ScriptStep::Kind::ping, "are you there"));
            o.script.insert_before_event(0, step_of(ScriptStep::Kind::ping));
        },
        passes());
    add(
        "ResetAfterEvent2",
        [](auto& o) { o.script = golden_with(2, step_of(ScriptStep::Kind::reset)); },
        fails(FailureKind::closed, "closed(1006)").closed(1006, 2));
    add(
        "ResetBeforeFirstEvent", [](auto& o) { o.script = Script().reset(); },
        fails(FailureKind::closed, "closed(1006)").closed(1006, 0));
    return faults;
}

struct FaultParam {
    Fault fault;
    std::string scheme;  // ws, wss, http, https

    bool tls() const { return scheme == "wss" || scheme == "https"; }
    bool event_stream() const { return scheme == "http" || scheme == "https"; }
    const Expected& expected() const {
        return event_stream() && fault.over_event_stream ? *fault.over_event_stream
                                                         : fault.expected;
    }
};

void PrintTo(const FaultParam& param, std::ostream* out) {
    *out << param.fault.name << " over " << param.scheme;
}

std::vector<FaultParam> fault_params() {
    std::vector<FaultParam> params;
    for (const char* scheme : {"ws", "wss", "http", "https"}) {
        for (auto& fault : all_faults()) {
            params.push_back(FaultParam{std::move(fault), scheme});
        }
    }
    return params;
}

class FaultMatrixTest : public testing::TestWithParam<FaultParam> {
  protected:
    JourneyOptions journey_options(const AgentServerDouble& server) const {
        JourneyOptions options;
        options.config.url =
            Url::parse(GetParam().event_stream() ? server.event_stream_url() : server.url());
        if (GetParam().tls()) {
            options.config.ca_file = server.ca_file();
        }
        // The events of an event stream answer the start message: no ready event comes first.
        options.profile.wait_for_ready = !GetParam().event_stream();
        auto& timeouts = options.config.timeouts;
        timeouts = test::every_phase(kPhaseDeadline, kPhaseDeadline);
        timeouts.first_event = kWaitDeadline;
        timeouts.max_gap = kWaitDeadline;
        timeouts.completion = 1000ms;
        options.config.retry.max_attempts = 1;
        return options;
    }
};

TEST_P(FaultMatrixTest, FailsExactlyAsClassifiedWithinItsDeadline) {
    const Fault& fault = GetParam().fault;
    const Expected& expected = GetParam().expected();
    AgentServerDoubleOptions server_options;
    server_options.tls = GetParam().tls();
    fault.inject(server_options);
    AgentServerDouble server(server_options);

    const auto started = Clock::now();
    const JourneyResult result = GoldenPathJourney(journey_options(server)).run();
    const double took_ms = elapsed_ms(started, Clock::now());

    const double limit_ms = static_cast<double>(expected.waits.count() + kPhaseDeadline.count()) +
                            kSlackMs;  // the fault's wait, then at most the close deadline
    EXPECT_LT(took_ms, limit_ms) << "the journey took " << took_ms << " ms, expected under "
                                 << limit_ms << " ms\n"
                                 << result.to_string();
    if (!expected.kind) {
        EXPECT_TRUE(result.passed()) << "expected the golden path, but got:\n"
                                     << result.to_string();
        return;
    }
    ASSERT_TRUE(result.failure) << "expected " << expected.label << ", but the journey passed:\n"
                                << result.to_string();
    const Failure& failure = *result.failure;
    const std::string context = "\n" + result.to_string();
    EXPECT_EQ(failure.kind, *expected.kind) << failure.to_string() << context;
    EXPECT_EQ(failure.kind_label(), expected.label) << failure.to_string() << context;
    if (expected.close_code) {
        EXPECT_EQ(failure.close_code, *expected.close_code) << failure.to_string() << context;
    }
    if (expected.after_event) {
        EXPECT_EQ(failure.after_event, expected.after_event) << failure.to_string() << context;
    }
    if (!expected.rule.empty()) {
        EXPECT_EQ(failure.rule, expected.rule) << failure.to_string() << context;
        EXPECT_EQ(failure.event_index, expected.event_index) << failure.to_string() << context;
    }
    if (expected.frame_index) {
        EXPECT_EQ(failure.frame_index, *expected.frame_index) << failure.to_string() << context;
    }
    if (expected.http_status) {
        EXPECT_EQ(failure.http_status, *expected.http_status) << failure.to_string() << context;
    }
    if (expected.waits.count() > 0) {
        const auto wait = static_cast<double>(expected.waits.count());
        EXPECT_GE(failure.waited_ms, wait) << failure.to_string() << context;
        EXPECT_LT(failure.waited_ms, wait + kSlackMs) << failure.to_string() << context;
    }
}

INSTANTIATE_TEST_SUITE_P(AllFaults, FaultMatrixTest, testing::ValuesIn(fault_params()),
                         [](const testing::TestParamInfo<FaultParam>& param_info) {
                             const FaultParam& param = param_info.param;
                             return param.fault.name + "_" + param.scheme;
                         });

}  // namespace
}  // namespace goldenpath
