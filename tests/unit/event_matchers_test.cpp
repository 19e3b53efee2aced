// The event matchers' semantics and wording: what they say they match and how they explain a
// mismatch.
#include "goldenpath/fixtures/event_matchers.hpp"  // first: the header is self-contained
#include "explain.hpp"
#include "goldenpath/event_list_verdict.hpp"

#include <stdexcept>

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

namespace goldenpath {
namespace {

using fixtures::CompletedWithin;
using fixtures::EventsInOrder;
using fixtures::EventWithData;
using fixtures::HasEventType;
using testing::HasSubstr;
using testing::Not;

std::vector<Event> make_events(const std::vector<nlohmann::json>& bodies) {
    const auto profile = default_profile();
    std::vector<Event> events;
    for (std::size_t i = 0; i < bodies.size(); ++i) {
        events.push_back(make_event(bodies[i], profile, Clock::time_point{}, i));
    }
    return events;
}

std::vector<nlohmann::json> golden_bodies() {
    return {
        {{"type", "agent_started"}, {"agent_name", "triage"}},
        {{"type", "agent_thinking"}, {"data", {{"reasoning", "look up"}}}},
        {{"type", "tool_executing"}, {"data", {{"tool_name", "lookup"}, {"tool_call_id", "c1"}}}},
        {{"type", "tool_completed"},
         {"data", {{"tool_name", "lookup"}, {"tool_call_id", "c1"}, {"results", {{"n", 1}}}}}},
        {{"type", "agent_completed"}, {"data", {{"final_response", "done"}}}},
    };
}

std::vector<Event> golden_events() {
    return make_events(golden_bodies());
}

// A journey whose frames start with connection_established, so event #N is frame #N+1.
JourneyResult journey_of(const std::vector<nlohmann::json>& bodies) {
    JourneyResult result;
    result.frames.push_back(
        R"({"type":"connection_established","data":{"connection_id":"c","user_id":"u"}})");
    for (const auto& body : bodies) {
        result.frames.push_back(body.dump());
    }
    return result;
}

using test::explain;

// HasEventType

TEST(HasEventTypeTest, Describes) {
    EXPECT_EQ(testing::DescribeMatcher<std::vector<Event>>(HasEventType("tool_completed")),
              "has an event of type tool_completed");
    EXPECT_EQ(testing::DescribeMatcher<JourneyResult>(Not(HasEventType("tool_completed"))),
              "has no event of type tool_completed");
}

TEST(HasEventTypeTest, FindsTheFirstEventOfTheType) {
    EXPECT_THAT(golden_events(), HasEventType("tool_completed"));
    EXPECT_EQ(explain(HasEventType("tool_completed"), golden_events()),
              "whose event #3 is tool_completed");
}

TEST(HasEventTypeTest, ExplainsWhichTypesWereSeen) {
    const auto events = make_events({golden_bodies()[0], golden_bodies()[1], golden_bodies()[1]});
    EXPECT_THAT(events, Not(HasEventType("tool_completed")));
    EXPECT_EQ(explain(HasEventType("tool_completed"), events),
              "which has no tool_completed; types seen: agent_started, agent_thinking");
    EXPECT_EQ(explain(HasEventType("tool_completed"), std::vector<Event>{}), "which has no events");
}

TEST(HasEventTypeTest, ParsesAJourneysFrames) {
    auto result = journey_of(golden_bodies());
    result.frames.insert(result.frames.begin() + 2, "{not json");
    EXPECT_THAT(result, HasEventType("connection_established"));
    EXPECT_THAT(result, HasEventType("agent_completed"));
    EXPECT_THAT(result, Not(HasEventType("agent_error")));
    // Numbered as the timeline numbers them: agent_started is #0, connection_established is #-.
    EXPECT_EQ(explain(HasEventType("tool_executing"), result), "whose event #2 is tool_executing");
    EXPECT_EQ(explain(HasEventType("connection_established"), result),
              "whose event #- is connection_established");
}

TEST(HasEventTypeTest, FailedExpectationReportsThroughGoogleTest) {
    const auto events = make_events({golden_bodies()[0]});
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(events, HasEventType("agent_error")),
                            "Expected: has an event of type agent_error\n  Actual: "
                            "{ agent_started {agent_name: triage} }, which has no agent_error; "
                            "types seen: agent_started");
}

// EventsInOrder

TEST(EventsInOrderTest, Describes) {
    EXPECT_EQ(testing::DescribeMatcher<std::vector<Event>>(
                  EventsInOrder({"agent_started", "agent_thinking", "tool_completed"})),
              "has events agent_started, agent_thinking, tool_completed in this order (others "
              "may come between)");
    EXPECT_EQ(testing::DescribeMatcher<std::vector<Event>>(
                  Not(EventsInOrder({"agent_started", "tool_completed"}))),
              "does not have events agent_started, tool_completed in this order");
}

TEST(EventsInOrderTest, AllowsEventsBetween) {
    EXPECT_THAT(golden_events(), EventsInOrder({"agent_started", "tool_completed"}));
    EXPECT_THAT(golden_events(), EventsInOrder({"agent_thinking", "agent_completed"}));
    EXPECT_THAT(golden_events(), EventsInOrder({}));
    EXPECT_EQ(explain(EventsInOrder({"agent_started", "agent_thinking", "tool_completed"}),
                      golden_events()),
              "whose events contain agent_started at #0, agent_thinking at #1 and tool_completed "
              "at #3");
}

TEST(EventsInOrderTest, ExplainsWhichNameWasNotFoundAfterWhichIndex) {
    auto bodies = golden_bodies();
    bodies.erase(bodies.begin() + 3);  // no tool_completed
    EXPECT_EQ(explain(EventsInOrder({"agent_started", "agent_thinking", "tool_completed"}),
                      make_events(bodies)),
              "whose events contain agent_started at #0 and agent_thinking at #1, but no "
              "tool_completed after #1");
}

TEST(EventsInOrderTest, WrongOrderIsAMismatch) {
    EXPECT_THAT(golden_events(), Not(EventsInOrder({"tool_completed", "tool_executing"})));
    EXPECT_EQ(explain(EventsInOrder({"tool_completed", "tool_executing"}), golden_events()),
              "whose events contain tool_completed at #3, but no tool_executing after #3");
}

TEST(EventsInOrderTest, ExplainsAMissingFirstName) {
    EXPECT_EQ(explain(EventsInOrder({"agent_error"}), golden_events()),
              "whose events contain no agent_error; types seen: agent_started, agent_thinking, "
              "tool_executing, tool_completed, agent_completed");
}

TEST(EventsInOrderTest, RepeatedNamesNeedRepeatedEvents) {
    EXPECT_THAT(golden_events(), Not(EventsInOrder({"agent_thinking", "agent_thinking"})));
    auto bodies = golden_bodies();
    bodies.insert(bodies.begin() + 2, bodies[1]);
    EXPECT_THAT(make_events(bodies), EventsInOrder({"agent_thinking", "agent_thinking"}));
}

TEST(EventsInOrderTest, ParsesAJourneysFrames) {
    const auto result = journey_of(golden_bodies());
    EXPECT_THAT(result, EventsInOrder({"connection_established", "agent_started"}));
    EXPECT_EQ(explain(EventsInOrder({"agent_started", "agent_error"}), result),
              "whose events contain agent_started at #0, but no agent_error after #0");
}

// Issue 14.2: one numbering everywhere, the timeline's: a run event is #N within its run, and a
// frame outside the count (ready, ignored, unknown) is #-, as its timeline line shows it.
TEST(EventsInOrderTest, NumbersEventsAsTheTimelineDoes) {
    const auto events =
        make_events({{{"type", "connection_established"}, {"data", {{"connection_id", "c"}}}},
                     golden_bodies()[0],
                     {{"type", "heartbeat"}},
                     golden_bodies()[1],
                     golden_bodies()[3]});
    EXPECT_EQ(explain(EventsInOrder({"connection_established", "agent_started", "tool_completed"}),
                      events),
              "whose events contain connection_established at #-, agent_started at #0 and "
              "tool_completed at #2");
    EXPECT_EQ(explain(EventsInOrder({"agent_thinking", "agent_started"}), events),
              "whose events contain agent_thinking at #1, but no agent_started after #1");
    EXPECT_EQ(explain(EventsInOrder({"heartbeat", "agent_started"}), events),
              "whose events contain heartbeat at #-, but no agent_started after that heartbeat");
    EXPECT_EQ(explain(HasEventType("tool_completed"), events), "whose event #2 is tool_completed");
    EXPECT_EQ(
        explain(EventWithData("tool_completed", {{"tool_name", "other"}}), events),
        R"(whose closest event #2 tool_completed has /tool_name "lookup", but "other" was expected)");
}

// What a failed EXPECT_THAT reports, word for word.
template <typename Check>
std::string failure_message_of(Check check) {
    testing::TestPartResultArray results;
    {
        testing::ScopedFakeTestPartResultReporter reporter(
            testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
        check();
    }
    return results.size() == 1 ? std::string(results.GetTestPartResult(0).message())
                               : "(" + std::to_string(results.size()) + " failures)";
}

// A passed journey as GoldenPathJourney gives it: frames, ids, timeline and timings.
JourneyResult passed_journey() {
    const auto profile = default_profile();
    std::vector<nlohmann::json> bodies = golden_bodies();
    for (auto& body : bodies) {
        body["thread_id"] = "t1";
        body["run_id"] = "r1";
    }
    bodies.insert(bodies.begin(), nlohmann::json{{"type", "connection_established"},
                                                 {"data", {{"connection_id", "c"}}}});
    JourneyResult result;
    result.url = "ws://127.0.0.1:1/ws";
    result.thread_id = "t1";
    result.run_id = "r1";
    std::vector<Event> events;
    for (std::size_t i = 0; i < bodies.size(); ++i) {
        result.frames.push_back(bodies[i].dump());
        events.push_back(make_event(bodies[i], profile, Clock::time_point{} + Milliseconds(i), i));
    }
    result.verdict = verify_event_list(events, profile, RunIds{"t1", "r1"}).verdict;
    result.timings.completion_ms = 5;
    return result;
}

// Issue 14.2: the explanation comes right after the journey's one line, before its timeline, and
// its numbers are the timeline's.
TEST(EventsInOrderTest, AJourneysExplanationComesBeforeItsTimeline) {
    const JourneyResult result = passed_journey();
    EXPECT_EQ(
        failure_message_of([&] {
            EXPECT_THAT(result, EventsInOrder({"agent_started", "agent_error"}));
        }),
        "Value of: result\n"
        "Expected: has events agent_started, agent_error in this order (others may come "
        "between)\n"
        "  Actual: goldenpath journey on ws://127.0.0.1:1/ws (thread t1, run r1): PASS follows "
        "the golden path (5 events) (of type goldenpath::JourneyResult), whose events contain "
        "agent_started at #0, but no "
        "agent_error after #0\n"
        "timeline:\n"
        "#- +0.0ms (+0.0ms) connection_established [ready]\n"
        "#0 +1.0ms (+1.0ms) agent_started {agent_name: triage}\n"
        "#1 +2.0ms (+1.0ms) agent_thinking\n"
        "#2 +3.0ms (+1.0ms) tool_executing {tool_name: lookup, tool_call_id: c1}\n"
        "#3 +4.0ms (+1.0ms) tool_completed {tool_name: lookup, tool_call_id: c1}\n"
        "#4 +5.0ms (+1.0ms) agent_completed\n"
        "timings: connect - | ready - | first event - | completion 5.0 ms");
}

TEST(EventsInOrderTest, FailedExpectationReportsThroughGoogleTest) {
    EXPECT_NONFATAL_FAILURE(
        EXPECT_THAT(golden_events(), EventsInOrder({"agent_completed", "agent_started"})),
        "but no agent_started after #4");
}

// EventWithData

TEST(EventWithDataTest, Describes) {
    EXPECT_EQ(testing::DescribeMatcher<std::vector<Event>>(
                  EventWithData("tool_executing", {{"tool_name", "search"}})),
              R"(has an event of type tool_executing with fields {"tool_name":"search"})");
    EXPECT_EQ(
        testing::DescribeMatcher<std::vector<Event>>(Not(EventWithData({{"tool_name", "search"}}))),
        R"(has no event with fields {"tool_name":"search"})");
}

TEST(EventWithDataTest, LooksTopLevelKeysUpInDataPayloadAndRoot) {
    const auto events = make_events({
        {{"type", "agent_started"}, {"agent_name", "triage"}},
        {{"type", "agent_thinking"}, {"payload", {{"reasoning", "hmm"}}}},
        {{"type", "tool_executing"}, {"data", {{"tool_name", "search"}}}},
    });
    EXPECT_THAT(events, EventWithData({{"tool_name", "search"}}));
    EXPECT_THAT(events, EventWithData("tool_executing", {{"tool_name", "search"}}));
    EXPECT_THAT(events, EventWithData("agent_thinking", {{"reasoning", "hmm"}}));
    EXPECT_THAT(events, EventWithData("agent_started", {{"agent_name", "triage"}}));
    // The containers themselves can be named too.
    EXPECT_THAT(events, EventWithData({{"data", {{"tool_name", "search"}}}}));
    EXPECT_THAT(events, Not(EventWithData("agent_thinking", {{"tool_name", "search"}})));
}

TEST(EventWithDataTest, MatchesPartiallyAndRecursively) {
    const auto events = golden_events();
    EXPECT_THAT(events, EventWithData("tool_completed", {{"results", {{"n", 1}}}}));
    EXPECT_THAT(events, EventWithData("tool_completed",
                                      {{"tool_name", "lookup"}, {"results", {{"n", 1.0}}}}));
    EXPECT_THAT(events, Not(EventWithData("tool_completed", {{"results", {{"n", 2}}}})));
    EXPECT_EQ(explain(EventWithData("tool_completed", {{"results", {{"n", 2}}}}), events),
              "whose closest event #3 tool_completed has /results/n 1, but 2 was expected");
}

TEST(EventWithDataTest, ComparesArraysElementByElement) {
    const auto events = make_events(
        {{{"type", "tool_completed"},
          {"data", {{"results", {{{"id", 1}, {"name", "a"}}, {{"id", 2}, {"name", "b"}}}}}}}});
    EXPECT_THAT(events, EventWithData({{"results", {{{"id", 1}}, {{"name", "b"}}}}}));
    EXPECT_EQ(explain(EventWithData({{"results", {{{"id", 1}}, {{"id", 3}}}}}), events),
              "whose closest event #0 tool_completed has /results/1/id 2, but 3 was expected");
    EXPECT_EQ(explain(EventWithData({{"results", {{{"id", 1}}}}}), events),
              "whose closest event #0 tool_completed has /results with 2 elements, but 1 were "
              "expected");
}

TEST(EventWithDataTest, ExplainsTheClosestEventAndTheFirstDifferingPointer) {
    auto bodies = golden_bodies();
    bodies.push_back({{"type", "tool_executing"}, {"data", {{"tool_name", "other"}}}});
    EXPECT_EQ(
        explain(EventWithData("tool_executing", {{"tool_name", "search"}, {"tool_call_id", "c1"}}),
                make_events(bodies)),
        R"(whose closest event #2 tool_executing has /tool_name "lookup", but "search" was expected)");
    EXPECT_EQ(explain(EventWithData("tool_executing", {{"tool_name", "lookup"}, {"mode", "fast"}}),
                      make_events(bodies)),
              R"(whose closest event #2 tool_executing has no /mode, but "fast" was expected)");
}

TEST(EventWithDataTest, ExplainsAMissingType) {
    EXPECT_EQ(explain(EventWithData("agent_error", {{"message", "x"}}),
                      make_events({golden_bodies()[0]})),
              "which has no agent_error; types seen: agent_started");
}

TEST(EventWithDataTest, ParsesAJourneysFrames) {
    const auto result = journey_of(golden_bodies());
    EXPECT_THAT(result, EventWithData({{"connection_id", "c"}}));
    EXPECT_EQ(
        explain(EventWithData("tool_executing", {{"tool_name", "search"}}), result),
        R"(whose closest event #2 tool_executing has /tool_name "lookup", but "search" was expected)");
}

TEST(EventWithDataTest, RejectsFieldsThatAreNotAnObject) {
    EXPECT_THROW(EventWithData("tool_executing"), std::invalid_argument);
}

TEST(EventWithDataTest, FailedExpectationReportsThroughGoogleTest) {
    EXPECT_NONFATAL_FAILURE(
        EXPECT_THAT(golden_events(), EventWithData("tool_executing", {{"tool_name", "search"}})),
        R"(has /tool_name "lookup", but "search" was expected)");
}

// CompletedWithin

JourneyResult completed_in(double ms) {
    JourneyResult result;
    result.timings.completion_ms = ms;
    return result;
}

TEST(CompletedWithinTest, Describes) {
    EXPECT_EQ(testing::DescribeMatcher<JourneyResult>(CompletedWithin(500)),
              "completes the golden path within 500 ms");
    EXPECT_EQ(testing::DescribeMatcher<JourneyResult>(Not(CompletedWithin(Milliseconds(250)))),
              "does not complete the golden path within 250 ms");
}

TEST(CompletedWithinTest, ComparesTheCompletionTime) {
    EXPECT_THAT(completed_in(812.3), CompletedWithin(1000));
    EXPECT_THAT(completed_in(500), CompletedWithin(500));
    EXPECT_THAT(completed_in(812.3), Not(CompletedWithin(Milliseconds(500))));
    EXPECT_EQ(explain(CompletedWithin(500), completed_in(812.3)), "which completed in 812.3 ms");
}

TEST(CompletedWithinTest, AFailedJourneyNeverCompletesInTime) {
    JourneyResult result = completed_in(10);
    Failure failure;
    failure.kind = FailureKind::timeout;
    failure.phase = Phase::first_event;
    failure.url = "ws://127.0.0.1:1/ws";
    result.failure = failure;
    EXPECT_THAT(result, Not(CompletedWithin(500)));
    EXPECT_EQ(explain(CompletedWithin(500), result), "which failed with " + failure.to_string());
}

TEST(CompletedWithinTest, APassWithoutCompletionTimeIsExplained) {
    EXPECT_EQ(explain(CompletedWithin(500), JourneyResult{}),
              "which passed but has no completion time");
}

TEST(CompletedWithinTest, FailedExpectationReportsThroughGoogleTest) {
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(completed_in(812.3), CompletedWithin(500)),
                            "Expected: completes the golden path within 500 ms");
}

}  // namespace
}  // namespace goldenpath
