// The matchers' wording: what they say they match and how they explain a mismatch.
#include "goldenpath/fixtures/matchers.hpp"

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
