// Every way the event stream can break after the upgrade, each classified with its rule and index.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/timeout_scale.hpp"

namespace goldenpath {
namespace {

using fixtures::FailsWith;
using testing::HasSubstr;

// The deadline the silence tests wait out, half the fixture's 300 ms phases: what comes before the
// silence (the start message, the events before it) takes a few ms on loopback.
const Milliseconds kSilenceDeadline = scaled(Milliseconds{150});

// Each test restarts the double with its own script.
class StreamFaultTest : public fixtures::AgentServerDoubleTest {
  protected:
    void UseScript(Script script) {
        AgentServerDoubleOptions options;
        options.script = std::move(script);
        RestartServer(std::move(options));
    }
    void ExpectViolation(const JourneyResult& result, std::string_view rule, std::size_t index) {
        ASSERT_TRUE(result.failure) << result.to_string();
        EXPECT_EQ(result.failure->kind, FailureKind::protocol_violation) << result.to_string();
        EXPECT_EQ(result.failure->rule, rule) << result.to_string();
        ASSERT_TRUE(result.failure->event_index) << result.to_string();
        EXPECT_EQ(*result.failure->event_index, index) << result.to_string();
    }
};

TEST_F(StreamFaultTest, MissingThinkingIsNoThinkingBeforeTool) {
    UseScript(Script::golden_path().drop_event(1));
    ExpectViolation(RunGoldenPath(), "no_thinking_before_tool", 1);
}

TEST_F(StreamFaultTest, MissingStartedIsFirstNotStarted) {
    UseScript(Script::golden_path().drop_event(0));
    ExpectViolation(RunGoldenPath(), "first_not_started", 0);
}

TEST_F(StreamFaultTest, SwappedToolPairIsUnmatchedToolCompleted) {
    UseScript(Script::golden_path().swap_events(2, 3));
    const auto result = RunGoldenPath();
    ExpectViolation(result, "unmatched_tool_completed", 2);
    EXPECT_THAT(result.failure->to_string(),
                HasSubstr("protocol_violation(unmatched_tool_completed)"));
}

TEST_F(StreamFaultTest, DuplicateStartedIsDetected) {
    UseScript(Script::golden_path().duplicate_event(0));
    ExpectViolation(RunGoldenPath(), "duplicate_started", 1);
}

TEST_F(StreamFaultTest, EventAfterCompletionIsSeenWithoutWaiting) {
    auto script = Script::golden_path();
    script.event({{"type", "agent_thinking"}, {"data", {{"reasoning", "one more thing"}}}});
    UseScript(std::move(script));
    const auto started = Clock::now();
    const auto result = RunGoldenPath();
    ExpectViolation(result, "event_after_completion", 5);
    EXPECT_LT(elapsed_ms(started, Clock::now()), 550.0 * timeout_scale());
}

TEST_F(StreamFaultTest, CompletionWithToolOpenIsToolOpenAtCompletion) {
    UseScript(Script::golden_path().drop_event(3));
    ExpectViolation(RunGoldenPath(), "tool_open_at_completion", 3);
}

TEST_F(StreamFaultTest, CloseMidToolIsClosedAfterEventN) {
    UseScript(Script::golden_path().insert_before_event(
        3, ScriptStep{ScriptStep::Kind::close, {}, "tool crashed", 1011, Milliseconds(0)}));
    const auto result = RunGoldenPath();
    EXPECT_THAT(result, FailsWith(FailureKind::closed, "closed(1011)"));
    ASSERT_TRUE(result.failure && result.failure->after_event);
    EXPECT_EQ(*result.failure->after_event, 3u);
    EXPECT_EQ(result.failure->close_reason, "tool crashed");
    ASSERT_TRUE(result.verdict.violation);
    EXPECT_EQ(result.verdict.violation->rule, Rule::ended_before_completion);
}

TEST_F(StreamFaultTest, MalformedJsonIsMalformedFrameWithIndexAndExcerpt) {
    UseScript(Script::golden_path().insert_before_event(
        2, ScriptStep{
               ScriptStep::Kind::send_raw, {}, "{\"type\": \"tool_exec", 1000, Milliseconds(0)}));
    const auto result = RunGoldenPath();
    EXPECT_THAT(result, FailsWith(FailureKind::malformed_frame));
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->frame_index, 3u);  // connection_established, started, thinking
    EXPECT_THAT(result.failure->excerpt, HasSubstr("tool_exec"));
}

TEST_F(StreamFaultTest, AgentErrorIsTerminalWithTheServerMessage) {
    UseScript(Script::golden_path().insert_before_event(
        2, ScriptStep{ScriptStep::Kind::event,
                      {{"type", "agent_error"}, {"data", {{"message", "LLM quota exceeded"}}}},
                      {},
                      1000,
                      Milliseconds(0)}));
    const auto result = RunGoldenPath();
    EXPECT_THAT(result, FailsWith(FailureKind::agent_error, "agent_error(agent_error)"));
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->message, "LLM quota exceeded");
    EXPECT_EQ(result.failure->after_event, 2u);
}

TEST_F(StreamFaultTest, SilenceAfterStartIsTimeoutFirstEventWithinDeadline) {
    UseScript(Script().stall());
    JourneyOptions options = journey_options();
    options.config.timeouts.first_event = kSilenceDeadline;
    const auto started = Clock::now();
    const auto result = RunGoldenPath(std::move(options));
    EXPECT_THAT(result, FailsWith(FailureKind::timeout, "timeout(first_event)"));
    EXPECT_LT(elapsed_ms(started, Clock::now()),
              static_cast<double>(kSilenceDeadline.count()) +
                  (250.0 + 300.0) * timeout_scale());  // + close deadline
}

TEST_F(StreamFaultTest, SilenceMidRunIsStalledAfterEventN) {
    UseScript(Script::golden_path().insert_before_event(
        2, ScriptStep{ScriptStep::Kind::stall, {}, {}, 1000, Milliseconds(0)}));
    JourneyOptions options = journey_options();
    options.config.timeouts.max_gap = kSilenceDeadline;
    const auto result = RunGoldenPath(std::move(options));
    EXPECT_THAT(result, FailsWith(FailureKind::stalled));
    ASSERT_TRUE(result.failure && result.failure->after_event);
    EXPECT_EQ(*result.failure->after_event, 2u);
    const auto deadline_ms = static_cast<double>(kSilenceDeadline.count());
    EXPECT_GE(result.failure->waited_ms, deadline_ms);
    EXPECT_LT(result.failure->waited_ms, deadline_ms + 250.0 * timeout_scale());
}

TEST_F(StreamFaultTest, HeartbeatsBetweenEventsDoNotShiftIndices) {
    UseScript(Script::golden_path().insert_before_event(
        1,
        ScriptStep{ScriptStep::Kind::event, {{"type", "heartbeat"}}, {}, 1000, Milliseconds(0)}));
    const auto result = RunGoldenPath();
    EXPECT_THAT(result, fixtures::FollowsGoldenPath());
}

}  // namespace
}  // namespace goldenpath
