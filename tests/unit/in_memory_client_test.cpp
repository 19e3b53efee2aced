#include "goldenpath/in_memory_client.hpp"  // first: the header is self-contained

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/agent_behaviour.hpp"
#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/golden_path_journey.hpp"

namespace goldenpath {
namespace {

using fixtures::FailsWith;
using fixtures::FollowsGoldenPath;
using testing::HasSubstr;
using testing::SizeIs;

// A journey whose every attempt talks to a fresh InMemoryClient made from `server`.
JourneyResult run_in_memory(AgentServerDoubleOptions server, std::vector<Secret> tokens = {}) {
    JourneyOptions options;
    options.config.url = Url::parse("ws://agents.in-memory:80/ws");
    options.config.tokens = std::move(tokens);
    options.config.timeouts.first_event = Milliseconds(300);
    options.config.timeouts.max_gap = Milliseconds(300);
    options.config.timeouts.completion = Milliseconds(2000);
    options.client_factory = [server = std::move(server)] {
        return std::make_unique<InMemoryClient>(server);
    };
    return GoldenPathJourney(std::move(options)).run();
}

AgentServerDoubleOptions scripted(Script script) {
    AgentServerDoubleOptions options;
    options.script = std::move(script);
    return options;
}

TEST(InMemoryClientTest, GoldenPathWithoutSockets) {
    EXPECT_THAT(run_in_memory({}), FollowsGoldenPath());
}

// GoldenPathJourney::run lends its thread's event loop to the journey; a journey run from inside
// another one (here from the outer journey's client factory) must get a loop of its own.
TEST(InMemoryClientTest, AJourneyRunFromInsideAnotherJourneyGetsItsOwnLoop) {
    std::optional<JourneyResult> inner;
    JourneyOptions options;
    options.config.url = Url::parse("ws://agents.in-memory:80/ws");
    options.config.timeouts.completion = Milliseconds(2000);
    options.client_factory = [&inner] {
        inner = run_in_memory({});
        return std::make_unique<InMemoryClient>();
    };
    EXPECT_THAT(GoldenPathJourney(std::move(options)).run(), FollowsGoldenPath());
    ASSERT_TRUE(inner.has_value()) << "the client factory was never called";
    EXPECT_THAT(*inner, FollowsGoldenPath());
    // And the thread's loop still serves the journeys that follow.
    EXPECT_THAT(run_in_memory({}), FollowsGoldenPath());
}

TEST(InMemoryClientTest, RecordsHandshakeAndMessages) {
    InMemoryClient connection;
    ConnectRequest request;
    request.url = Url::parse("ws://127.0.0.1:1/ws?tenant=acme");
    request.headers = {{"Origin", "https://app.example"}};
    request.subprotocols = {"jwt-auth.abc"};
    ASSERT_FALSE(connection.connect(request));
    ASSERT_FALSE(connection.send_text(R"({"type":"ping"})"));

    const auto& recorded = connection.recorded();
    EXPECT_EQ(recorded.target, "/ws?tenant=acme");
    EXPECT_EQ(recorded.header("origin"), "https://app.example");
    EXPECT_EQ(connection.selected_subprotocol(), "jwt-auth.abc");
    EXPECT_THAT(recorded.received, testing::ElementsAre(R"({"type":"ping"})"));
}

TEST(InMemoryClientTest, SwappedToolPairIsCaught) {
    EXPECT_THAT(
        run_in_memory(scripted(Script::golden_path().swap_events(2, 3))),
        FailsWith(FailureKind::protocol_violation, "protocol_violation(unmatched_tool_completed)"));
}

// A behaviour that throws is the test's own bug: the close reason names the exception, as the
// socket double's does.
class ThrowingBehaviour : public AgentBehaviour {
  public:
    std::optional<Script> on_message(const RecordedConnection&, const std::string&) override {
        throw std::runtime_error("no script for this message");
    }
};

TEST(InMemoryClientTest, AThrowingBehaviourIsAHarnessErrorNamingTheException) {
    AgentServerDoubleOptions server;
    server.behaviour = std::make_shared<ThrowingBehaviour>();
    const auto result = run_in_memory(server);
    EXPECT_THAT(result, FailsWith(FailureKind::closed, "closed(1011)"));
    EXPECT_EQ(result.failure->close_reason,
              "harness: AgentBehaviour threw std::runtime_error: no script for this message");
}

TEST(InMemoryClientTest, CloseStepIsClosedAfterEventN) {
    const auto result = run_in_memory(scripted(Script::golden_path().insert_before_event(
        3, ScriptStep{ScriptStep::Kind::close, {}, "boom", 1011, Milliseconds(0)})));
    EXPECT_THAT(result, FailsWith(FailureKind::closed, "closed(1011)"));
    EXPECT_EQ(result.failure->after_event, 3u);
    EXPECT_EQ(result.failure->close_reason, "boom");
}

TEST(InMemoryClientTest, StallIsStalledAfterExactlyTheGapInVirtualTime) {
    const auto started = Clock::now();
    const auto result = run_in_memory(scripted(Script::golden_path().insert_before_event(
        2, ScriptStep{ScriptStep::Kind::stall, {}, {}, 1000, Milliseconds(0)})));
    EXPECT_THAT(result, FailsWith(FailureKind::stalled));
    EXPECT_EQ(result.failure->after_event, 2u);
    EXPECT_GE(result.failure->waited_ms, 300.0);
    EXPECT_LT(result.failure->waited_ms, 301.0);
    EXPECT_LT(elapsed_ms(started, Clock::now()), 100.0);  // nothing waited for real
}

TEST(InMemoryClientTest, DelayBeyondTheFirstEventDeadlineIsATimeout) {
    const auto result = run_in_memory(scripted(Script::golden_path().insert_before_event(
        0, ScriptStep{ScriptStep::Kind::delay, {}, {}, 1000, Milliseconds(500)})));
    EXPECT_THAT(result, FailsWith(FailureKind::timeout, "timeout(first_event)"));
}

TEST(InMemoryClientTest, DelayWithinDeadlinesShowsInTheTimings) {
    const auto result = run_in_memory(scripted(Script::golden_path().insert_before_event(
        4, ScriptStep{ScriptStep::Kind::delay, {}, {}, 1000, Milliseconds(200)})));
    ASSERT_THAT(result, FollowsGoldenPath());
    // Virtual time starts when the double gets the message, just before the journey stamps it.
    EXPECT_NEAR(*result.timings.completion_ms, 200.0, 5.0);
}

TEST(InMemoryClientTest, EventAfterCompletionArrivesWithTheClose) {
    auto script = Script::golden_path();
    script.event({{"type", "agent_thinking"}, {"data", {{"reasoning", "late"}}}});
    EXPECT_THAT(
        run_in_memory(scripted(std::move(script))),
        FailsWith(FailureKind::protocol_violation, "protocol_violation(event_after_completion)"));
}

TEST(InMemoryClientTest, TokensAreCheckedLikeTheSocketDouble) {
    AgentServerDoubleOptions server;
    server.tokens = {"tok-good"};
    EXPECT_THAT(run_in_memory(server, {Secret("tok-good")}), FollowsGoldenPath());
    const auto rejected = run_in_memory(server, {Secret("tok-bad")});
    EXPECT_THAT(rejected, FailsWith(FailureKind::auth_rejected));
    EXPECT_THAT(rejected.failure->to_string(), Not(HasSubstr("tok-bad")));
}

TEST(InMemoryClientTest, RejectedUpgradeIsHttpStatus) {
    AgentServerDoubleOptions server;
    server.reject_upgrade_status = 404;
    const auto result = run_in_memory(server);
    EXPECT_THAT(result, FailsWith(FailureKind::http_status, "http_status(404)"));
    EXPECT_THAT(result.failure->attempts, SizeIs(1));
}

TEST(InMemoryClientTest, PingsAreInvisibleToTheJourney) {
    EXPECT_THAT(run_in_memory(scripted(Script::golden_path().insert_before_event(
                    2, ScriptStep{ScriptStep::Kind::ping, {}, "are you there", 1000, {}}))),
                FollowsGoldenPath());
}

TEST(InMemoryClientTest, ResetIsClosed1006AfterEventN) {
    const auto result = run_in_memory(scripted(Script::golden_path().insert_before_event(
        2, ScriptStep{ScriptStep::Kind::reset, {}, {}, 1000, {}})));
    EXPECT_THAT(result, FailsWith(FailureKind::closed, "closed(1006)"));
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->close_code, 1006);
    EXPECT_EQ(result.failure->after_event, 2u);
}

TEST(InMemoryClientTest, BinaryFrameIsMalformed) {
    const auto result = run_in_memory(scripted(Script::golden_path().insert_before_event(
        1, ScriptStep{ScriptStep::Kind::send_binary, {}, "\x01", 1000, {}})));
    EXPECT_THAT(result, FailsWith(FailureKind::malformed_frame));
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->frame_index, 2u);  // connection_established, agent_started
}

TEST(InMemoryClientTest, UpgradeFaultIsARetryableClosed1006) {
    AgentServerDoubleOptions server;
    server.upgrade_fault_for = [](const RecordedConnection&) { return UpgradeFault::reset; };
    InMemoryClient connection(server);
    ConnectRequest request;
    request.url = Url::parse("ws://127.0.0.1:1/ws");
    const auto failure = connection.connect(request);
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->kind, FailureKind::closed);
    EXPECT_EQ(failure->close_code, 1006);
    EXPECT_TRUE(failure->retryable);
    EXPECT_FALSE(connection.recorded().upgraded);
}

TEST(InMemoryClientTest, SendAfterServerCloseFailsAsClosed) {
    InMemoryClient connection(scripted(Script().close(1011, "bye")));
    ConnectRequest request;
    request.url = Url::parse("ws://127.0.0.1:1/ws");
    ASSERT_FALSE(connection.connect(request));
    ASSERT_FALSE(connection.send_text(default_profile().start_message("hi", "t", "r")));
    EXPECT_EQ(connection.receive(Clock::now()).status, ReceiveResult::Status::frame);  // ready
    const auto closed = connection.receive(Clock::now());
    ASSERT_EQ(closed.status, ReceiveResult::Status::closed);
    EXPECT_EQ(closed.close.code, 1011);
    const auto failure = connection.send_text("{}");
    ASSERT_TRUE(failure);
    EXPECT_EQ(failure->kind, FailureKind::closed);
    EXPECT_EQ(failure->close_code, 1011);
}

}  // namespace
}  // namespace goldenpath

namespace goldenpath {
namespace {

// Issue 13, item 8, quick: more run events than max_events_per_run end the journey as
// protocol_violation(too_many_events), and what the result keeps stays bounded.
TEST(InMemoryClientTest, MoreEventsThanTheLimitFailAsTooManyEventsWithBoundedResult) {
    Script script;
    script.event({{"type", "agent_started"}, {"data", {{"agent_name", "triage"}}}});
    for (int i = 0; i < 5000; ++i) {
        script.event({{"type", "agent_thinking"}, {"data", {{"reasoning", std::to_string(i)}}}});
    }
    JourneyOptions options;
    options.config.url = Url::parse("ws://agents.in-memory:80/ws");
    options.config.max_events_per_run = 2000;
    options.client_factory = [script] {
        return std::make_unique<InMemoryClient>(scripted(script));
    };
    const JourneyResult result = GoldenPathJourney(std::move(options)).run();

    ASSERT_TRUE(result.failure) << result.to_string();
    EXPECT_EQ(result.failure->kind_label(), "protocol_violation(too_many_events)");
    EXPECT_THAT(result.failure->detail, HasSubstr("event #2000 is agent_thinking, but at most "
                                                  "2000 events per run were expected"));
    // 1 + 2001 frames arrived (connection_established, then the run's events): the first 1000
    // and the last 100 are kept.
    EXPECT_THAT(result.frames, SizeIs(1100));
    EXPECT_EQ(result.frames_omitted, 902U);
    EXPECT_EQ(result.frames_omitted_at, 1000U);
    ASSERT_THAT(result.verdict.timeline, SizeIs(1101));
    EXPECT_EQ(result.verdict.timeline[1000].omitted, 902U);
    EXPECT_LT(result.to_string().size(), 200U * 1024U);
    EXPECT_EQ(result.to_json()["timeline"][1000]["omitted"], 902);
}

}  // namespace
}  // namespace goldenpath

// The old name still compiles (with a deprecation warning, silenced here) and is the same type.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include "goldenpath/in_memory_connection.hpp"
static_assert(std::is_same_v<goldenpath::InMemoryConnection, goldenpath::InMemoryClient>);
#pragma GCC diagnostic pop
