#include "goldenpath/fixtures/frame_inbox.hpp"  // first: the header is self-contained

#include <memory>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "failures_of.hpp"
#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/beast_client.hpp"
#include "goldenpath/in_memory_client.hpp"

namespace goldenpath {
namespace {

using fixtures::ExpectNoMessageWithin;
using fixtures::FrameInbox;
using fixtures::FrameInboxOptions;
using fixtures::InboxFrame;
using fixtures::NoMessageWithin;
using test::failures_of;
using testing::AllOf;
using testing::ElementsAre;
using testing::Field;
using testing::HasSubstr;
using testing::Not;
using testing::Optional;
using testing::SizeIs;

// The first `count` events of the golden path, then `tail` (e.g. a stall or a close).
Script first_events(std::size_t count, ScriptStep tail) {
    const Script golden_path = Script::golden_path();
    const auto& steps = golden_path.steps();
    std::vector<ScriptStep> kept(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(count));
    kept.push_back(std::move(tail));
    return Script(std::move(kept));
}

ScriptStep stall_step() {
    ScriptStep step;
    step.kind = ScriptStep::Kind::stall;
    return step;
}

ScriptStep close_step(int code, std::string reason) {
    ScriptStep step;
    step.kind = ScriptStep::Kind::close;
    step.close_code = code;
    step.text = std::move(reason);
    return step;
}

// An in-memory connection to a double serving `script`, connected and with the run started.
std::unique_ptr<InMemoryClient> started_run(Script script = Script::golden_path()) {
    AgentServerDoubleOptions options;
    options.script = std::move(script);
    auto connection = std::make_unique<InMemoryClient>(std::move(options));
    ConnectRequest request;
    request.url = Url::parse("ws://127.0.0.1:1/ws");
    EXPECT_EQ(connection->connect(request), std::nullopt);
    EXPECT_EQ(connection->send_text(default_profile().start_message("hi", "thread-1", "run-1")),
              std::nullopt);
    return connection;
}

testing::Matcher<const Event&> OfType(std::string type) {
    return Field("type", &Event::type, std::move(type));
}

TEST(FrameInboxTest, FindsALaterFrameWithoutConsumingEarlierOnes) {
    auto connection = started_run();
    FrameInbox inbox(*connection);
    EXPECT_THAT(inbox.wait_for(HasSubstr("tool_completed"), Milliseconds(300)),
                Optional(HasSubstr("\"tool_completed\"")));
    EXPECT_THAT(inbox.wait_for(HasSubstr("agent_started"), Milliseconds(300)),
                Optional(HasSubstr("\"agent_started\"")));
    const auto frames = inbox.frames();
    ASSERT_THAT(frames, SizeIs(5));  // connection_established and the first four events
    EXPECT_FALSE(frames[2].read);    // agent_thinking: skipped over, still there
    EXPECT_TRUE(frames[1].read);
    EXPECT_TRUE(frames[4].read);
    inbox.allow_unread();
}

TEST(FrameInboxTest, AFrameIsReturnedOnlyOnce) {
    auto connection = started_run(first_events(1, stall_step()));
    FrameInbox inbox(*connection);
    ASSERT_TRUE(inbox.wait_for(HasSubstr("agent_started"), Milliseconds(300)));
    const auto again = inbox.wait_for(HasSubstr("agent_started"), Milliseconds(50));
    EXPECT_FALSE(again);
    EXPECT_FALSE(again.has_value());
    EXPECT_THAT(again.message(), HasSubstr("#1 "));
}

TEST(FrameInboxTest, WaitForEventMatchesParsedEvents) {
    auto connection = started_run();
    FrameInbox inbox(*connection);
    const auto event = inbox.wait_for_event(OfType("tool_executing"), Milliseconds(300));
    ASSERT_TRUE(event);
    EXPECT_EQ(event->body["data"]["tool_name"], "order_lookup");
    EXPECT_EQ(event->frame_index, 3u);
    EXPECT_THAT(inbox.wait_for_event(OfType("agent_completed"), Milliseconds(300)),
                Optional(Field(&Event::run_id, "run-1")));
    inbox.mark_all_read();
}

TEST(FrameInboxTest, TimeoutNamesWhatWasExpectedWhatArrivedAndWhen) {
    auto connection = started_run(first_events(2, stall_step()));
    FrameInbox inbox(*connection);
    ASSERT_TRUE(inbox.wait_for(HasSubstr("agent_started"), Milliseconds(300)));
    const auto completed = inbox.wait_for(HasSubstr("agent_completed"), Milliseconds(100));
    EXPECT_EQ(completed.optional(), std::nullopt);
    EXPECT_THAT(completed.message(),
                AllOf(HasSubstr("Expected: a frame that has substring \"agent_completed\""),
                      HasSubstr("Actual: none by +"), HasSubstr("ms (deadline)"),
                      HasSubstr("the connection is open; 3 frames arrived (* = already read):"),
                      HasSubstr("#0 "), HasSubstr("#1 "), HasSubstr("ms* {"),
                      HasSubstr("\"agent_thinking\"")));
    inbox.allow_unread();
}

TEST(FrameInboxTest, TimeoutUnderExpectTrueIsANonFatalFailure) {
    auto connection = started_run(first_events(0, stall_step()));
    FrameInbox inbox(*connection);
    EXPECT_NONFATAL_FAILURE(
        EXPECT_TRUE(inbox.wait_for_event(OfType("agent_started"), Milliseconds(50))),
        "Expected: an event that is an object whose field `type` is equal to "
        "\"agent_started\"");
    inbox.allow_unread();
}

// The failure an EXPECT_TRUE reports for a miss: where it points and what it says.
struct ReportedFailure {
    std::string file;
    int line = 0;
    std::string message;
};

template <typename Statement>
std::vector<ReportedFailure> reported_failures_of(Statement&& statement) {
    testing::TestPartResultArray results;
    {
        const testing::ScopedFakeTestPartResultReporter reporter(
            testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
        statement();
    }
    std::vector<ReportedFailure> failures;
    for (int index = 0; index < results.size(); ++index) {
        const auto& result = results.GetTestPartResult(index);
        failures.push_back({result.file_name() == nullptr ? "" : result.file_name(),
                            result.line_number(), result.message()});
    }
    return failures;
}

// A miss under EXPECT_TRUE is one failure, at the test's own file and line (not the library's
// source), and it carries what was expected, what arrived and when.
TEST(FrameInboxTest, AMissIsReportedOnceAtTheCallersLine) {
    auto connection = started_run(first_events(1, stall_step()));
    FrameInbox inbox(*connection);
    int expect_line = 0;
    const auto failures = reported_failures_of([&] {
        // clang-format off
        expect_line = __LINE__; EXPECT_TRUE(inbox.wait_for(HasSubstr("agent_completed"), Milliseconds(50)));
        // clang-format on
    });
    ASSERT_EQ(failures.size(), 1u);
    EXPECT_EQ(failures[0].file, __FILE__);
    EXPECT_EQ(failures[0].line, expect_line);
    EXPECT_THAT(failures[0].message,
                AllOf(HasSubstr("Expected: a frame that has substring \"agent_completed\""),
                      HasSubstr("Actual: none by +"), HasSubstr("agent_started")));

    const auto event_failures = reported_failures_of([&] {
        // clang-format off
        expect_line = __LINE__; ASSERT_TRUE(inbox.wait_for_event(OfType("agent_completed"), Milliseconds(50)));
        // clang-format on
    });
    ASSERT_EQ(event_failures.size(), 1u);
    EXPECT_EQ(event_failures[0].file, __FILE__);
    EXPECT_EQ(event_failures[0].line, expect_line);
    EXPECT_THAT(event_failures[0].message, HasSubstr("Expected: an event that "));
    inbox.allow_unread();
}

TEST(FrameInboxTest, AMatchHoldsWhatWasFound) {
    auto connection = started_run();
    FrameInbox inbox(*connection);
    const auto frame = inbox.wait_for(HasSubstr("agent_thinking"), Milliseconds(300));
    ASSERT_TRUE(frame);
    EXPECT_TRUE(frame.has_value());
    EXPECT_THAT(*frame, HasSubstr("\"agent_thinking\""));
    EXPECT_EQ(frame->find("agent_thinking") != std::string::npos, true);
    EXPECT_EQ(testing::PrintToString(frame), testing::PrintToString(frame.value()));
    const auto missing = inbox.wait_for(HasSubstr("nothing like this"), Milliseconds(20));
    EXPECT_THAT(testing::PrintToString(missing), HasSubstr("no match (Expected: a frame that"));
    EXPECT_THROW(static_cast<void>(missing.value()), std::bad_optional_access);
    inbox.allow_unread();
}

TEST(FrameInboxTest, ACloseEndsTheWaitAndTheFailureSaysSo) {
    auto connection = started_run(first_events(2, close_step(1011, "boom")));
    FrameInbox inbox(*connection);
    const auto completed = inbox.wait_for_event(OfType("agent_completed"), Milliseconds(300));
    EXPECT_FALSE(completed);
    EXPECT_THAT(completed.message(),
                AllOf(HasSubstr("the connection closed with 1011 \"boom\""),
                      Not(HasSubstr("(deadline)")), HasSubstr("3 frames arrived")));
    ASSERT_TRUE(inbox.close_info());
    EXPECT_EQ(inbox.close_info()->code, 1011);
    inbox.allow_unread();
}

TEST(FrameInboxTest, StrictModeFailsWhenAnotherFrameArrivesFirst) {
    auto connection = started_run();
    FrameInboxOptions options;
    options.fail_on_unexpected_frame = true;
    FrameInbox inbox(*connection, options);
    const auto thinking = inbox.wait_for(HasSubstr("agent_thinking"), Milliseconds(300));
    EXPECT_FALSE(thinking);
    EXPECT_THAT(thinking.message(), AllOf(HasSubstr("Expected: the next frame to be a frame that "
                                                    "has substring \"agent_thinking\""),
                                          HasSubstr("Actual: #1 "), HasSubstr("agent_started"),
                                          HasSubstr("arrived first")));
    // In order it passes; connection_established is a background type and skipped.
    EXPECT_TRUE(inbox.wait_for(HasSubstr("agent_started"), Milliseconds(300)));
    EXPECT_TRUE(inbox.wait_for(HasSubstr("agent_thinking"), Milliseconds(300)));
    inbox.allow_unread();
}

TEST(FrameInboxTest, UnreadFramesFailAtTeardown) {
    auto connection = started_run(first_events(2, stall_step()));
    const auto failures = failures_of([&] {
        FrameInbox inbox(*connection);
        ASSERT_TRUE(inbox.wait_for(HasSubstr("agent_started"), Milliseconds(300)));
        inbox.pull_until(Clock::now() + Milliseconds(50));
    });
    EXPECT_THAT(failures,
                ElementsAre(AllOf(HasSubstr("FrameInbox: 1 frame was never read"),
                                  HasSubstr("allow_unread()"), HasSubstr("#2 "),
                                  HasSubstr("agent_thinking"), Not(HasSubstr("agent_started")),
                                  Not(HasSubstr("connection_established")))));
}

TEST(FrameInboxTest, UnreadFramesAtTeardownAreANonFatalFailure) {
    auto connection = started_run();
    EXPECT_NONFATAL_FAILURE(
        {
            FrameInbox inbox(*connection);
            inbox.pull_until(Clock::now() + Milliseconds(50));
        },
        "FrameInbox: 5 frames were never read");
}

TEST(FrameInboxTest, AllowUnreadAndMarkReadSilenceTheTeardownCheck) {
    auto first = started_run();
    EXPECT_THAT(failures_of([&] {
                    FrameInbox inbox(*first);
                    inbox.pull_until(Clock::now() + Milliseconds(50));
                    inbox.allow_unread();
                }),
                ElementsAre());
    auto second = started_run();
    EXPECT_THAT(failures_of([&] {
                    FrameInbox inbox(*second);
                    inbox.pull_until(Clock::now() + Milliseconds(50));
                    for (const InboxFrame& frame : inbox.frames()) {
                        inbox.mark_read(frame.index);
                    }
                }),
                ElementsAre());
}

TEST(FrameInboxTest, MarkReadOutOfRangeNamesTheIndex) {
    auto connection = started_run(first_events(0, stall_step()));
    FrameInbox inbox(*connection);
    EXPECT_NONFATAL_FAILURE(
        inbox.mark_read(7),
        "FrameInbox::mark_read: index 7 is out of range, only 0 frames arrived");
}

TEST(FrameInboxTest, NoMessageWithinPassesOnSilence) {
    auto connection = started_run(first_events(1, stall_step()));
    FrameInbox inbox(*connection);
    ASSERT_TRUE(inbox.wait_for(HasSubstr("agent_started"), Milliseconds(300)));
    EXPECT_TRUE(NoMessageWithin(inbox, Milliseconds(100)));
    ExpectNoMessageWithin(inbox, Milliseconds(100));
}

TEST(FrameInboxTest, NoMessageWithinListsWhatArrived) {
    auto connection = started_run();
    FrameInbox inbox(*connection);
    const auto result = NoMessageWithin(inbox, Milliseconds(100));
    EXPECT_FALSE(result);
    EXPECT_THAT(result.message(),
                AllOf(HasSubstr("Expected: no frame within 100 ms (from +"),
                      HasSubstr("Actual: 5 frames arrived:"), HasSubstr("#1 "),
                      HasSubstr("agent_completed"), Not(HasSubstr("connection_established"))));
    auto again = started_run();
    FrameInbox second(*again);
    EXPECT_NONFATAL_FAILURE(ExpectNoMessageWithin(second, Milliseconds(100)),
                            "Actual: 5 frames arrived:");
}

// The same inbox over a real socket: waits really wait, up to their deadline and no longer.
TEST(FrameInboxTest, WorksOverLoopbackWithTheSocketDouble) {
    AgentServerDoubleOptions options;
    options.script = first_events(3, stall_step());
    AgentServerDouble server(options);
    BeastClient client;
    ConnectRequest request;
    request.url = Url::parse(server.url());
    ASSERT_EQ(client.connect(request), std::nullopt);
    ASSERT_EQ(client.send_text(default_profile().start_message("hi", "thread-1", "run-1")),
              std::nullopt);

    FrameInbox inbox(client);
    EXPECT_TRUE(inbox.wait_for_event(OfType("tool_executing"), Milliseconds(500)));
    EXPECT_TRUE(inbox.wait_for_event(OfType("agent_started"), Milliseconds(500)));
    const auto started = Clock::now();
    ExpectNoMessageWithin(inbox, Milliseconds(100));
    const double waited = elapsed_ms(started, Clock::now());
    EXPECT_GE(waited, 100.0);
    EXPECT_LT(waited, 100.0 + 250.0);
    EXPECT_NONFATAL_FAILURE(
        EXPECT_TRUE(inbox.wait_for(HasSubstr("agent_completed"), Milliseconds(50))),
        "Actual: none by +");
    inbox.mark_all_read();
    client.close(1000, "done", Clock::now() + Milliseconds(300));
}

}  // namespace
}  // namespace goldenpath
