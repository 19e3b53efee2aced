// The matchers' wording: what they say they match and how they explain a mismatch.
#include "goldenpath/fixtures/matchers.hpp"

#include "goldenpath/event_list_verdict.hpp"
#include "goldenpath/fixtures/event_matchers.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

namespace goldenpath {
namespace {

using fixtures::FailsWith;
using fixtures::FollowsGoldenPath;
using testing::HasSubstr;
using testing::Not;

std::vector<Event> events_of(const std::vector<nlohmann::json>& bodies) {
    const auto profile = default_profile();
    const auto origin = Clock::now();
    std::vector<Event> events;
    for (std::size_t i = 0; i < bodies.size(); ++i) {
        events.push_back(make_event(bodies[i], profile, origin + Milliseconds(i), i));
    }
    return events;
}

std::vector<Event> golden_events() {
    return events_of({
        {{"type", "agent_started"}, {"agent_name", "triage"}},
        {{"type", "agent_thinking"}, {"data", {{"reasoning", "look up"}}}},
        {{"type", "tool_executing"}, {"data", {{"tool_name", "search"}, {"tool_call_id", "c1"}}}},
        {{"type", "tool_completed"},
         {"data", {{"tool_name", "search"}, {"tool_call_id", "c1"}, {"results", "ok"}}}},
        {{"type", "agent_completed"}, {"data", {{"final_response", "done"}}}},
    });
}

TEST(FollowsGoldenPathTest, DescribesTheFiveEvents) {
    EXPECT_EQ(testing::DescribeMatcher<std::vector<Event>>(FollowsGoldenPath()),
              "follows the golden path (agent_started, agent_thinking, tool_executing, "
              "tool_completed, agent_completed)");
    EXPECT_EQ(testing::DescribeMatcher<std::vector<Event>>(Not(FollowsGoldenPath())),
              "does not follow the golden path");
}

TEST(FollowsGoldenPathTest, AcceptsTheGoldenPath) {
    EXPECT_THAT(golden_events(), FollowsGoldenPath());
}

TEST(FollowsGoldenPathTest, SwappedToolPairNamesRuleIndexAndTimeline) {
    auto events = golden_events();
    std::swap(events[2], events[3]);
    testing::StringMatchResultListener listener;
    EXPECT_FALSE(testing::ExplainMatchResult(FollowsGoldenPath(), events, &listener));
    const std::string explanation = listener.str();
    EXPECT_THAT(explanation, HasSubstr("unmatched_tool_completed"));
    EXPECT_THAT(explanation, HasSubstr("event #2"));
    EXPECT_THAT(explanation, HasSubstr("timeline:"));
    EXPECT_THAT(explanation, HasSubstr("tool_executing"));
}

TEST(FollowsGoldenPathTest, MissingCompletionIsExplainedAsEndedBeforeCompletion) {
    auto events = golden_events();
    events.pop_back();
    testing::StringMatchResultListener listener;
    EXPECT_FALSE(testing::ExplainMatchResult(FollowsGoldenPath(), events, &listener));
    EXPECT_THAT(listener.str(), HasSubstr("ended_before_completion"));
}

TEST(FollowsGoldenPathTest, FailedExpectationReportsThroughGoogleTest) {
    auto events = golden_events();
    events.erase(events.begin() + 1);
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(events, FollowsGoldenPath()), "no_thinking_before_tool");
}

// What a user's own client collects: the ready frame first, then the five events carrying the ids
// the server gave the run.
std::vector<Event> events_as_a_client_saw_them(const std::string& thread_id,
                                               const std::string& run_id) {
    std::vector<nlohmann::json> bodies = {
        {{"type", "connection_established"}, {"data", {{"connection_id", "c"}, {"user_id", "u"}}}},
        {{"type", "agent_started"}, {"agent_name", "triage"}},
        {{"type", "agent_thinking"}, {"data", {{"reasoning", "look up"}}}},
        {{"type", "tool_executing"}, {"data", {{"tool_name", "search"}, {"tool_call_id", "c1"}}}},
        {{"type", "tool_completed"},
         {"data", {{"tool_name", "search"}, {"tool_call_id", "c1"}, {"results", "ok"}}}},
        {{"type", "agent_completed"}, {"data", {{"final_response", "done"}}}},
    };
    for (std::size_t i = 1; i < bodies.size(); ++i) {
        bodies[i]["thread_id"] = thread_id;
        bodies[i]["run_id"] = run_id;
    }
    return events_of(bodies);
}

TEST(FollowsGoldenPathTest, JudgesAListAsTheClientThatCollectedItSawIt) {
    const auto events = events_as_a_client_saw_them("thread-1", "run-1");
    testing::StringMatchResultListener listener;
    EXPECT_TRUE(testing::ExplainMatchResult(FollowsGoldenPath(), events, &listener))
        << listener.str();
    EXPECT_EQ(listener.str(), "which follows the golden path (5 events)");
}

TEST(FollowsGoldenPathTest, ATimelineOfAClientsListNumbersTheRunEvents) {
    auto events = events_as_a_client_saw_them("thread-1", "run-1");
    events.pop_back();
    testing::StringMatchResultListener listener;
    EXPECT_FALSE(testing::ExplainMatchResult(FollowsGoldenPath(), events, &listener));
    EXPECT_THAT(listener.str(), HasSubstr("ended_before_completion"));
    EXPECT_THAT(listener.str(), HasSubstr("[ready]\n#0 "));
    EXPECT_THAT(listener.str(), HasSubstr("\n#3 "));
    EXPECT_THAT(listener.str(), Not(HasSubstr("foreign_event")));
}

TEST(FollowsGoldenPathTest, TakesTheRunsIdsWhenGiven) {
    const auto events = events_as_a_client_saw_them("thread-1", "run-1");
    EXPECT_THAT(events, FollowsGoldenPath(RunIds{"thread-1", "run-1"}));
    EXPECT_THAT(events, FollowsGoldenPath(RunIds{"thread-1", ""}));
    testing::StringMatchResultListener listener;
    EXPECT_FALSE(testing::ExplainMatchResult(FollowsGoldenPath(RunIds{"thread-2", "run-2"}), events,
                                             &listener));
    EXPECT_THAT(listener.str(),
                HasSubstr("foreign_event: event #0 is agent_started with run_id run-1 thread_id "
                          "thread-1, but an event of a run this client started was expected "
                          "(runs started: thread thread-2/run run-2)"));
}

TEST(FollowsGoldenPathTest, EventsOfAnotherRunInAClientsListAreForeign) {
    auto events = events_as_a_client_saw_them("thread-1", "run-1");
    events[3].thread_id = "thread-9";
    events[3].run_id = "run-9";
    testing::StringMatchResultListener listener;
    EXPECT_FALSE(testing::ExplainMatchResult(FollowsGoldenPath(), events, &listener));
    EXPECT_THAT(listener.str(), HasSubstr("foreign_event: event #2 is tool_executing with run_id "
                                          "run-9 thread_id thread-9"));
}

// A failed journey as GoldenPathJourney gives it, with a timeline of its frames.
JourneyResult failed_journey() {
    JourneyResult result;
    auto events = events_as_a_client_saw_them("t1", "r1");
    events.pop_back();
    for (const Event& event : events) {
        result.frames.push_back(event.body.dump());
    }
    result.verdict = verify_event_list(events, default_profile(), RunIds{"t1", "r1"}).verdict;
    Failure failure;
    failure.kind = FailureKind::closed;
    failure.close_code = 1011;
    result.failure = failure;
    result.thread_id = "t1";
    result.run_id = "r1";
    return result;
}

// Issue 15.7: a timeline is formatted only for someone who reads it. Passing checks made of Not()
// and EXPECT_CALL ask the matchers without listening; then no timeline may be formatted.
TEST(MatchersFormatTimelines, OnlyWhenSomeoneReadsTheExplanation) {
    auto broken = events_as_a_client_saw_them("t1", "r1");
    broken.pop_back();
    const JourneyResult failed = failed_journey();
    testing::MockFunction<void(const std::vector<Event>&)> on_events;
    testing::MockFunction<void(const JourneyResult&)> on_journey;
    EXPECT_CALL(on_events, Call(Not(FollowsGoldenPath())));
    EXPECT_CALL(on_journey, Call(Not(FollowsGoldenPath())));

    const std::size_t before = formatted_timeline_count();
    EXPECT_THAT(broken, Not(FollowsGoldenPath()));
    EXPECT_THAT(failed, Not(FollowsGoldenPath()));
    EXPECT_THAT(failed, Not(FailsWith(FailureKind::refused)));
    EXPECT_THAT(failed, Not(fixtures::EventsInOrder({"agent_completed"})));
    EXPECT_THAT(failed, Not(fixtures::HasEventType("agent_error")));
    EXPECT_THAT(failed, Not(fixtures::EventWithData({{"tool_name", "other"}})));
    EXPECT_THAT(failed, Not(fixtures::CompletedWithin(500)));
    EXPECT_FALSE(testing::Matches(FollowsGoldenPath())(broken));
    on_events.Call(broken);
    on_journey.Call(failed);
    EXPECT_EQ(formatted_timeline_count(), before);

    // Read, the explanation has its timeline.
    testing::StringMatchResultListener listener;
    EXPECT_FALSE(testing::ExplainMatchResult(FollowsGoldenPath(), broken, &listener));
    EXPECT_THAT(listener.str(), HasSubstr("\ntimeline:\n#- "));
    EXPECT_EQ(formatted_timeline_count(), before + 1);
}

TEST(FailsWithTest, MatchesKindAndLabel) {
    JourneyResult result;
    Failure failure;
    failure.kind = FailureKind::http_status;
    failure.http_status = 404;
    failure.url = "ws://127.0.0.1:1/ws";
    result.failure = failure;

    EXPECT_THAT(result, FailsWith(FailureKind::http_status));
    EXPECT_THAT(result, FailsWith(FailureKind::http_status, "http_status(404)"));
    EXPECT_THAT(result, Not(FailsWith(FailureKind::http_status, "http_status(500)")));
    EXPECT_THAT(result, Not(FailsWith(FailureKind::refused)));
    EXPECT_EQ(testing::DescribeMatcher<JourneyResult>(FailsWith(FailureKind::refused)),
              "fails with refused");
}

TEST(FailsWithTest, PassedJourneyIsExplained) {
    JourneyResult result;
    testing::StringMatchResultListener listener;
    EXPECT_FALSE(testing::ExplainMatchResult(FailsWith(FailureKind::refused), result, &listener));
    EXPECT_THAT(listener.str(), HasSubstr("which passed"));
}

}  // namespace
}  // namespace goldenpath
