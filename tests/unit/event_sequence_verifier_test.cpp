// First include: the header under test must be self-contained.
#include "goldenpath/event_sequence_verifier.hpp"

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace goldenpath {
namespace {

using nlohmann::json;
using testing::AllOf;
using testing::DoubleEq;
using testing::ElementsAre;
using testing::Eq;
using testing::Field;
using testing::HasSubstr;
using testing::Optional;
using testing::SizeIs;

// A violation of `rule` at `index` whose message names both.
testing::Matcher<const std::optional<Violation>&> IsViolation(Rule rule, std::size_t index) {
    return Optional(AllOf(Field("rule", &Violation::rule, Eq(rule)),
                          Field("event_index", &Violation::event_index, Eq(index)),
                          Field("message", &Violation::message,
                                AllOf(HasSubstr(std::string(rule_name(rule))),
                                      HasSubstr("#" + std::to_string(index))))));
}

// Event bodies of the default profile; details under "data", ids at the root when given.
json with_ids(json body, const std::string& run_id, const std::string& thread_id) {
    if (!run_id.empty()) {
        body["run_id"] = run_id;
    }
    if (!thread_id.empty()) {
        body["thread_id"] = thread_id;
    }
    return body;
}
json started(const std::string& run_id = "", const std::string& thread_id = "") {
    return with_ids({{"type", "agent_started"}, {"data", {{"agent_name", "triage"}}}}, run_id,
                    thread_id);
}
json thinking(const std::string& run_id = "", const std::string& thread_id = "") {
    return with_ids({{"type", "agent_thinking"}, {"data", {{"reasoning", "look it up"}}}}, run_id,
                    thread_id);
}
json executing(const std::string& tool, const std::string& call_id = "",
               const std::string& run_id = "") {
    json body = {{"type", "tool_executing"}, {"data", {{"tool_name", tool}}}};
    if (!call_id.empty()) {
        body["data"]["tool_call_id"] = call_id;
    }
    return with_ids(std::move(body), run_id, "");
}
json tool_done(const std::string& tool, const std::string& call_id = "",
               const std::string& run_id = "") {
    json body = {{"type", "tool_completed"}, {"data", {{"tool_name", tool}, {"results", {"r"}}}}};
    if (!call_id.empty()) {
        body["data"]["tool_call_id"] = call_id;
    }
    return with_ids(std::move(body), run_id, "");
}
json completed(const std::string& run_id = "", const std::string& thread_id = "") {
    return with_ids({{"type", "agent_completed"}, {"data", {{"final_response", "done"}}}}, run_id,
                    thread_id);
}
json of_type(const std::string& type) {
    return {{"type", type}};
}

class VerifierTest : public testing::Test {
  protected:
    // Arrival times are explicit: frames arrive 10 ms apart from the run origin on.
    const Clock::time_point origin = Clock::time_point{} + std::chrono::seconds(100);
    ProtocolProfile profile = default_profile();
    std::size_t next_frame = 0;
    std::chrono::milliseconds now{0};

    Event event(json body) {
        now += std::chrono::milliseconds(10);
        return make_event(std::move(body), profile, origin + now, next_frame++);
    }
    EventRole feed(EventSequenceVerifier& verifier, json body) {
        return verifier.feed(event(std::move(body)));
    }
    void feed_all(EventSequenceVerifier& verifier, const std::vector<json>& bodies) {
        for (const json& body : bodies) {
            feed(verifier, body);
        }
    }
    // A verifier with one run on thread t1 started at `origin`.
    EventSequenceVerifier one_run() {
        EventSequenceVerifier verifier(profile);
        verifier.start_run("t1", "", origin);
        return verifier;
    }
    static std::vector<json> golden() {
        return {started(), thinking(), executing("search", "call-1"), tool_done("search", "call-1"),
                completed()};
    }
};

TEST_F(VerifierTest, GoldenPathPasses) {
    EventSequenceVerifier verifier = one_run();
    EXPECT_FALSE(verifier.finished(0));
    EXPECT_FALSE(verifier.has_run_event(0));
    feed_all(verifier, golden());
    const Verdict verdict = verifier.verdict();
    EXPECT_TRUE(verdict.passed());
    EXPECT_EQ(verdict.event_count, 5U);
    EXPECT_EQ(verdict.to_string(), "follows the golden path (5 events)");
    EXPECT_TRUE(verifier.all_finished());
    EXPECT_TRUE(verifier.finished(0));
    EXPECT_TRUE(verifier.has_run_event(0));
    EXPECT_TRUE(verifier.verdict(0).passed());
}

TEST_F(VerifierTest, VerifiersShareOneProfileWithoutCopyingIt) {
    const auto shared = std::make_shared<const ProtocolProfile>(profile);
    EventSequenceVerifier first(shared);
    const EventSequenceVerifier second(shared);
    EXPECT_EQ(&first.profile(), shared.get());
    EXPECT_EQ(&second.profile(), shared.get());
    first.start_run("t1", "", origin);
    feed_all(first, golden());
    EXPECT_TRUE(first.verdict().passed()) << first.verdict().to_string();
}

// A copy shares the violations found before it was made (they never change) and judges on by
// itself: what it finds later is not the original's.
TEST_F(VerifierTest, ACopyKeepsTheViolationsSoFarAndJudgesOnByItself) {
    EventSequenceVerifier original(profile);
    original.start_run("t1", "r1", origin);
    original.start_run("t2", "r2", origin);
    feed(original, thinking("r2"));  // run 1 (r2) starts with the wrong event
    feed(original, started("r1"));

    EventSequenceVerifier copy = original;
    feed(copy, started("r1"));  // a second agent_started for run 0, in the copy only
    copy.end_of_stream("copy closed");
    original.end_of_stream("original closed");

    EXPECT_THAT(original.verdict(1).violation, IsViolation(Rule::first_not_started, 0));
    EXPECT_THAT(copy.verdict(1).violation, IsViolation(Rule::first_not_started, 0));
    EXPECT_THAT(original.verdict().violation, IsViolation(Rule::first_not_started, 0));
    EXPECT_THAT(original.verdict(0).violation, IsViolation(Rule::ended_before_completion, 1));
    EXPECT_THAT(original.verdict(0).to_string(), HasSubstr("original closed"));
    EXPECT_THAT(copy.verdict(0).violation, IsViolation(Rule::duplicate_started, 1));
}

TEST_F(VerifierTest, NullSharedProfileIsRejectedNamingIt) {
    try {
        EventSequenceVerifier verifier(std::shared_ptr<const ProtocolProfile>{});
        FAIL() << "a null profile was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_STREQ(e.what(),
                     "[goldenpath.verifier] EventSequenceVerifier's profile must be a profile, but "
                     "is null");
    }
}

TEST_F(VerifierTest, RenamedGoldenPathTypesAreJudgedByTheirRoles) {
    profile.agent_started = "begin";
    profile.agent_thinking = "think";
    profile.tool_executing = "call";
    profile.tool_completed = "called";
    profile.agent_completed = "end";
    profile.required_fields = {{"called", {{"results"}}}};
    EventSequenceVerifier verifier(std::make_shared<const ProtocolProfile>(profile));
    verifier.start_run("t1", "", origin);
    feed_all(verifier, {of_type("begin"),
                        of_type("think"),
                        {{"type", "call"}, {"tool_name", "search"}},
                        {{"type", "called"}, {"tool_name", "search"}, {"results", 1}},
                        of_type("end")});
    EXPECT_TRUE(verifier.verdict().passed()) << verifier.verdict().to_string();

    EventSequenceVerifier missing(std::make_shared<const ProtocolProfile>(profile));
    missing.start_run("t1", "", origin);
    feed_all(missing, {of_type("begin"),
                       of_type("think"),
                       {{"type", "call"}, {"tool_name", "x"}},
                       {{"type", "called"}, {"tool_name", "x"}}});
    EXPECT_THAT(missing.verdict().violation, IsViolation(Rule::missing_field, 3));
    // The old names mean nothing under this profile.
    EXPECT_EQ(feed(missing, of_type("agent_started")), EventRole::unknown);
}

TEST_F(VerifierTest, TimelineHasIndicesOffsetsGapsAndSummaries) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, golden());
    const std::vector<TimelineEntry> timeline = verifier.verdict(0).timeline;
    ASSERT_THAT(timeline, SizeIs(5));
    for (std::size_t i = 0; i < timeline.size(); ++i) {
        EXPECT_THAT(timeline[i].event_index, Optional(i));
        EXPECT_EQ(timeline[i].frame_index, i);
        EXPECT_EQ(timeline[i].role, EventRole::run_event);
        EXPECT_THAT(timeline[i].offset_ms, DoubleEq(10.0 * static_cast<double>(i + 1)));
        EXPECT_THAT(timeline[i].gap_ms, DoubleEq(i == 0 ? 0.0 : 10.0));
    }
    EXPECT_EQ(timeline[3].type, "tool_completed");
    EXPECT_EQ(timeline[3].summary, "tool_completed {tool_name: search, tool_call_id: call-1}");
    EXPECT_EQ(format_timeline(timeline),
              "#0 +10.0ms (+0.0ms) agent_started {agent_name: triage}\n"
              "#1 +20.0ms (+10.0ms) agent_thinking\n"
              "#2 +30.0ms (+10.0ms) tool_executing {tool_name: search, tool_call_id: call-1}\n"
              "#3 +40.0ms (+10.0ms) tool_completed {tool_name: search, tool_call_id: call-1}\n"
              "#4 +50.0ms (+10.0ms) agent_completed\n");
}

// first_not_started
TEST_F(VerifierTest, FirstEventNotStartedFails) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {thinking(), started()});
    const Verdict verdict = verifier.verdict();
    EXPECT_THAT(verdict.violation, IsViolation(Rule::first_not_started, 0));
    EXPECT_EQ(verdict.violation->message,
              "first_not_started: event #0 is agent_thinking, but agent_started was expected");
    EXPECT_EQ(verdict.violation->expected, "agent_started");
    EXPECT_EQ(verdict.violation->actual, "agent_thinking");
    EXPECT_EQ(verdict.to_string(), verdict.violation->message);
    EXPECT_TRUE(verifier.finished(0));
}

TEST_F(VerifierTest, FirstEventStartedPasses) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {started(), thinking()});
    EXPECT_FALSE(verifier.verdict().violation.has_value());
    EXPECT_FALSE(verifier.finished(0));
}

// duplicate_started
TEST_F(VerifierTest, SecondStartedFails) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {started(), thinking(), started()});
    EXPECT_THAT(verifier.verdict().violation, IsViolation(Rule::duplicate_started, 2));
}

TEST_F(VerifierTest, SingleStartedWithManyThinkingPasses) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {started(), thinking(), thinking(), thinking(), executing("search"),
                        tool_done("search"), completed()});
    EXPECT_TRUE(verifier.verdict().passed());
}

// no_thinking_before_tool
TEST_F(VerifierTest, ToolBeforeThinkingFails) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {started(), executing("search", "call-1")});
    const Verdict verdict = verifier.verdict();
    EXPECT_THAT(verdict.violation, IsViolation(Rule::no_thinking_before_tool, 1));
    EXPECT_THAT(verdict.violation->message,
                HasSubstr("event #1 is tool_executing {tool_name: search, tool_call_id: call-1}, "
                          "but agent_thinking was expected"));
}

TEST_F(VerifierTest, ThinkingOnceThenSeveralToolsPasses) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {started(), thinking(), executing("a"), tool_done("a"), executing("b"),
                        tool_done("b"), completed()});
    EXPECT_TRUE(verifier.verdict().passed());
}

// unmatched_tool_completed
TEST_F(VerifierTest, ToolCompletedForAToolNeverStartedFails) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {started(), thinking(), tool_done("search", "call-9")});
    const Verdict verdict = verifier.verdict();
    EXPECT_THAT(verdict.violation, IsViolation(Rule::unmatched_tool_completed, 2));
    EXPECT_EQ(verdict.violation->message,
              "unmatched_tool_completed: event #2 is tool_completed {tool_name: search, "
              "tool_call_id: call-9}, but no tool_executing with tool_call_id call-9 is open");
}

TEST_F(VerifierTest, ToolCompletedWithAnotherCallIdFails) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier,
             {started(), thinking(), executing("search", "call-1"), tool_done("search", "call-9")});
    EXPECT_THAT(verifier.verdict().violation, IsViolation(Rule::unmatched_tool_completed, 3));
}

TEST_F(VerifierTest, ToolCompletedWithoutIdsForAnotherToolFails) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {started(), thinking(), executing("search"), tool_done("fetch")});
    const Verdict verdict = verifier.verdict();
    EXPECT_THAT(verdict.violation, IsViolation(Rule::unmatched_tool_completed, 3));
    EXPECT_THAT(verdict.violation->message, HasSubstr("no tool_executing with tool_name fetch"));
}

TEST_F(VerifierTest, SecondCompletionOfOneToolFails) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {started(), thinking(), executing("search", "c1"), tool_done("search", "c1"),
                        tool_done("search", "c1")});
    EXPECT_THAT(verifier.verdict().violation, IsViolation(Rule::unmatched_tool_completed, 4));
}

TEST_F(VerifierTest, ToolCompletedMatchedByExecutionIdPasses) {
    EventSequenceVerifier verifier = one_run();
    json exec = executing("search");
    exec["data"]["execution_id"] = "e-1";
    json done = tool_done("search");
    done["execution_id"] = "e-1";  // at the root this time
    feed_all(verifier, {started(), thinking(), exec, done, completed()});
    EXPECT_TRUE(verifier.verdict().passed());
}

// Pairing by tool_name when ids are missing, first in first out.
TEST_F(VerifierTest, PairsByToolNameWhenIdsAreMissing) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {started(), thinking(), executing("search"), executing("search"),
                        tool_done("search"), tool_done("search"), completed()});
    EXPECT_TRUE(verifier.verdict().passed());
}

TEST_F(VerifierTest, PairsByToolNameWhenOnlyOneSideHasAnId) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {started(), thinking(), executing("search"), tool_done("search", "call-1"),
                        executing("fetch", "call-2"), tool_done("fetch"), completed()});
    EXPECT_TRUE(verifier.verdict().passed());
}

TEST_F(VerifierTest, OverlappingToolsCompleteInAnyOrder) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {started(), thinking(), executing("search", "c1"), executing("fetch", "c2"),
                        executing("search", "c3"), tool_done("search", "c3"),
                        tool_done("fetch", "c2"), tool_done("search", "c1"), completed()});
    const Verdict verdict = verifier.verdict();
    EXPECT_TRUE(verdict.passed()) << verdict.to_string();
    EXPECT_EQ(verdict.event_count, 9U);
}

TEST_F(VerifierTest, ToolCompletedCarryingErrorIsACompletedTool) {
    EventSequenceVerifier verifier = one_run();
    const json failed_tool = {
        {"type", "tool_completed"},
        {"data", {{"tool_name", "search"}, {"tool_call_id", "c1"}, {"error", "upstream timeout"}}}};
    feed_all(verifier,
             {started(), thinking(), executing("search", "c1"), failed_tool, completed()});
    const Verdict verdict = verifier.verdict();
    EXPECT_TRUE(verdict.passed()) << verdict.to_string();
    EXPECT_EQ(verdict.timeline[3].summary,
              "tool_completed {tool_name: search, tool_call_id: c1, error: upstream timeout}");
}

// tool_open_at_completion
TEST_F(VerifierTest, ToolStillOpenAtCompletionFails) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {started(), thinking(), executing("search", "c1"), tool_done("search", "c1"),
                        executing("fetch", "c2"), completed()});
    const Verdict verdict = verifier.verdict();
    EXPECT_THAT(verdict.violation, IsViolation(Rule::tool_open_at_completion, 5));
    EXPECT_THAT(verdict.violation->message, HasSubstr("fetch (tool_call_id c2)"));
    EXPECT_TRUE(verdict.completed);
    EXPECT_FALSE(verdict.passed());
}

TEST_F(VerifierTest, AllToolsClosedAtCompletionPasses) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {started(), thinking(), executing("search", "c1"), executing("fetch", "c2"),
                        tool_done("fetch", "c2"), tool_done("search", "c1"), completed()});
    EXPECT_TRUE(verifier.verdict().passed());
}

// no_tool_call
TEST_F(VerifierTest, CompletionWithoutToolFails) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {started(), thinking(), completed()});
    const Verdict verdict = verifier.verdict();
    EXPECT_THAT(verdict.violation, IsViolation(Rule::no_tool_call, 2));
    EXPECT_THAT(verdict.violation->message,
                HasSubstr("but a tool_executing/tool_completed pair was expected"));
}

TEST_F(VerifierTest, CompletionWithoutToolPassesWhenTheProfileDoesNotRequireOne) {
    profile.require_tool = false;
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {started(), thinking(), completed()});
    EXPECT_TRUE(verifier.verdict().passed());
    EXPECT_EQ(verifier.verdict().to_string(), "follows the golden path (3 events)");
}

// event_after_completion
TEST_F(VerifierTest, EventAfterCompletionFails) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, golden());
    EXPECT_TRUE(verifier.verdict().passed());
    feed(verifier, thinking());
    const Verdict verdict = verifier.verdict();
    EXPECT_THAT(verdict.violation, IsViolation(Rule::event_after_completion, 5));
    EXPECT_EQ(verdict.violation->expected, "no event after agent_completed");
    EXPECT_EQ(verdict.violation->actual, "agent_thinking");
}

TEST_F(VerifierTest, IgnoredTypesAfterCompletionPass) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, golden());
    feed_all(verifier, {of_type("heartbeat"), of_type("final_report"), of_type("something_new")});
    EXPECT_TRUE(verifier.verdict().passed());
}

// foreign_event
TEST_F(VerifierTest, EventOfAnotherRunFails) {
    EventSequenceVerifier verifier(profile);
    verifier.start_run("t1", "r1", origin);
    feed_all(verifier, {started("r1", "t1"), thinking("r1"), thinking("r-other")});
    const Verdict verdict = verifier.verdict();
    EXPECT_THAT(verdict.violation, IsViolation(Rule::foreign_event, 2));
    EXPECT_THAT(verdict.violation->message, HasSubstr("run_id r-other"));
    EXPECT_THAT(verdict.violation->message, HasSubstr("thread t1/run r1"));
    EXPECT_TRUE(verifier.all_finished());
    EXPECT_THAT(verifier.verdict(0).violation, IsViolation(Rule::foreign_event, 2));
}

TEST_F(VerifierTest, EventOfAnotherThreadFails) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {started("", "t1"), thinking("", "t-other")});
    const Verdict verdict = verifier.verdict();
    EXPECT_THAT(verdict.violation, IsViolation(Rule::foreign_event, 1));
    EXPECT_THAT(verdict.violation->message, HasSubstr("thread_id t-other"));
    // The foreign event is not one of the run's events.
    EXPECT_EQ(verifier.verdict(0).event_count, 1U);
}

TEST_F(VerifierTest, EventsCarryingTheRunsIdsPass) {
    EventSequenceVerifier verifier(profile);
    verifier.start_run("t1", "r1", origin);
    feed_all(verifier, {started("r1", "t1"), thinking("r1"), executing("s", "c", "r1"),
                        tool_done("s", "c", "r1"), completed("", "t1")});
    EXPECT_TRUE(verifier.verdict().passed());
}

TEST_F(VerifierTest, EventBeforeAnyRunIsForeign) {
    EventSequenceVerifier verifier(profile);
    feed(verifier, started());
    EXPECT_THAT(verifier.verdict().violation, IsViolation(Rule::foreign_event, 0));
    EXPECT_THAT(verifier.verdict().violation->message, HasSubstr("no run was started"));
}

TEST_F(VerifierTest, IdLessEventWithTwoOpenRunsIsForeign) {
    EventSequenceVerifier verifier(profile);
    verifier.start_run("t1", "r1", origin);
    verifier.start_run("t2", "r2", origin);
    feed_all(verifier, {started("r1"), started("r2"), thinking()});
    const Verdict verdict = verifier.verdict();
    EXPECT_THAT(verdict.violation, IsViolation(Rule::foreign_event, 2));
    EXPECT_THAT(verdict.violation->message, HasSubstr("without run_id or thread_id"));
}

TEST_F(VerifierTest, IdLessEventWithOneOpenRunBelongsToIt) {
    EventSequenceVerifier verifier(profile);
    verifier.start_run("t1", "r1", origin);
    verifier.start_run("t2", "r2", origin);
    feed_all(verifier, golden());  // id-less: ambiguous at first...
    EXPECT_THAT(verifier.verdict().violation, IsViolation(Rule::foreign_event, 0));

    EventSequenceVerifier sequential(profile);
    sequential.start_run("t1", "r1", origin);
    feed_all(sequential, golden());
    sequential.start_run("t2", "r2", origin + now);
    feed_all(sequential, golden());  // ...but fine once the first run is over.
    EXPECT_TRUE(sequential.verdict().passed()) << sequential.verdict().to_string();
    EXPECT_EQ(sequential.verdict(1).event_count, 5U);
}

// missing_field
TEST_F(VerifierTest, MissingRequiredFieldFails) {
    EventSequenceVerifier verifier = one_run();
    const json no_result = {{"type", "tool_completed"}, {"data", {{"tool_name", "search"}}}};
    feed_all(verifier, {started(), thinking(), executing("search"), no_result});
    const Verdict verdict = verifier.verdict();
    EXPECT_THAT(verdict.violation, IsViolation(Rule::missing_field, 3));
    EXPECT_EQ(verdict.violation->field, "results|result|error");
    EXPECT_EQ(verdict.violation->expected, "tool_completed carrying results|result|error");
    EXPECT_EQ(verdict.violation->message,
              "missing_field: event #3 tool_completed lacks results|result|error");
}

TEST_F(VerifierTest, MissingAgentNameFails) {
    EventSequenceVerifier verifier = one_run();
    feed(verifier, of_type("agent_started"));
    EXPECT_THAT(verifier.verdict().violation, IsViolation(Rule::missing_field, 0));
    EXPECT_EQ(verifier.verdict().violation->field, "agent_name");
}

TEST_F(VerifierTest, AnyAlternativeOfAGroupSatisfiesIt) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {{{"type", "agent_started"}, {"agent_name", "root-level"}},
                        {{"type", "agent_thinking"}, {"payload", {{"thought", "x"}}}},
                        executing("s"),
                        {{"type", "tool_completed"}, {"tool_name", "s"}, {"result", 1}},
                        {{"type", "agent_completed"}, {"status", "ok"}}});
    EXPECT_TRUE(verifier.verdict().passed()) << verifier.verdict().to_string();
}

// ended_before_completion
TEST_F(VerifierTest, StreamEndedWithoutCompletionFails) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {started(), thinking(), executing("search")});
    EXPECT_EQ(verifier.verdict().to_string(),
              "incomplete: agent_completed not received (3 events)");
    verifier.end_of_stream("closed 1006");
    const Verdict verdict = verifier.verdict();
    EXPECT_THAT(verdict.violation, IsViolation(Rule::ended_before_completion, 3));
    EXPECT_EQ(verdict.violation->expected, "agent_completed");
    EXPECT_EQ(verdict.violation->actual, "closed 1006");
    EXPECT_THAT(verdict.violation->message, HasSubstr("closed 1006"));
    EXPECT_TRUE(verifier.all_finished());
}

TEST_F(VerifierTest, StreamEndingAfterCompletionPasses) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, golden());
    verifier.end_of_stream("closed 1000");
    EXPECT_TRUE(verifier.verdict().passed());
}

TEST_F(VerifierTest, StreamEndingKeepsAnEarlierViolation) {
    EventSequenceVerifier verifier = one_run();
    feed(verifier, thinking());
    verifier.end_of_stream("eof");
    EXPECT_THAT(verifier.verdict().violation, IsViolation(Rule::first_not_started, 0));
}

TEST_F(VerifierTest, StreamEndedWithoutAnyEvent) {
    EventSequenceVerifier verifier = one_run();
    verifier.end_of_stream("timeout(first_event)");
    EXPECT_THAT(verifier.verdict().violation, IsViolation(Rule::ended_before_completion, 0));
    EXPECT_FALSE(verifier.has_run_event(0));
}

// agent_error
TEST_F(VerifierTest, TerminalFailureEventFailsWithTheServerMessage) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier,
             {started(), {{"type", "agent_error"}, {"data", {{"message", "LLM quota exceeded"}}}}});
    const Verdict verdict = verifier.verdict();
    EXPECT_THAT(verdict.violation, IsViolation(Rule::agent_error, 1));
    EXPECT_EQ(verdict.violation->actual, "agent_error");
    EXPECT_EQ(verdict.violation->field, "");
    EXPECT_THAT(verdict.violation->message, HasSubstr("\"LLM quota exceeded\""));
    EXPECT_TRUE(verifier.finished(0));
    EXPECT_TRUE(verifier.has_run_event(0));
    EXPECT_EQ(verdict.timeline[1].role, EventRole::terminal_failure);
    EXPECT_THAT(format_timeline(verdict.timeline), HasSubstr("[terminal failure]"));
}

TEST_F(VerifierTest, TerminalFailureAsFirstEventIsAnAgentError) {
    EventSequenceVerifier verifier = one_run();
    feed(verifier,
         {{"type", "error_message"}, {"error_code", "AUTH_FAILED"}, {"detail", "bad token"}});
    EXPECT_THAT(verifier.verdict().violation, IsViolation(Rule::agent_error, 0));
    EXPECT_THAT(verifier.verdict().violation->message, HasSubstr("bad token"));
}

TEST_F(VerifierTest, NoTerminalFailurePasses) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, golden());
    EXPECT_NE(verifier.verdict().violation.has_value(), true);
}

// Ignored, ready and unknown types.
TEST_F(VerifierTest, IgnoredTypesDoNotCountOrShiftIndices) {
    EventSequenceVerifier verifier = one_run();
    EXPECT_EQ(feed(verifier, of_type("heartbeat")), EventRole::ignored);
    feed(verifier, started());
    feed(verifier, of_type("ping"));
    feed(verifier, of_type("progress_update"));
    feed(verifier, executing("search"));  // index 1, after ignored frames
    const Verdict verdict = verifier.verdict(0);
    EXPECT_THAT(verdict.violation, IsViolation(Rule::no_thinking_before_tool, 1));
    EXPECT_EQ(verdict.event_count, 2U);
    EXPECT_FALSE(verifier.verdict(0).violation->message.empty());
}

TEST_F(VerifierTest, ReadyAndIgnoredFramesBeforeTheRunDoNotCount) {
    EventSequenceVerifier verifier(profile);
    EXPECT_EQ(
        feed(verifier, {{"type", "connection_established"}, {"data", {{"connection_id", "c"}}}}),
        EventRole::ready);
    const auto run = verifier.start_run("t1", "", origin + now + std::chrono::milliseconds(5));
    EXPECT_FALSE(verifier.has_run_event(run));
    EXPECT_EQ(feed(verifier, of_type("heartbeat")), EventRole::ignored);
    EXPECT_FALSE(verifier.has_run_event(run));
    for (const json& body : golden()) {
        EXPECT_EQ(feed(verifier, body), EventRole::run_event);
    }
    const Verdict verdict = verifier.verdict();
    EXPECT_TRUE(verdict.passed());
    EXPECT_EQ(verdict.event_count, 5U);
    ASSERT_THAT(verdict.timeline, SizeIs(7));
    EXPECT_EQ(verdict.timeline[0].role, EventRole::ready);
    EXPECT_EQ(verdict.timeline[0].event_index, std::nullopt);
    // The ready frame came 5 ms before the start message was written.
    EXPECT_THAT(verdict.timeline[0].offset_ms, DoubleEq(-5.0));
    EXPECT_THAT(verdict.timeline[1].offset_ms, DoubleEq(5.0));
    EXPECT_THAT(verdict.timeline[2].event_index, Optional(0U));
    const std::string text = format_timeline(verdict.timeline);
    EXPECT_THAT(text, HasSubstr("#- -5.0ms (+0.0ms) connection_established [ready]\n"));
    EXPECT_THAT(text, HasSubstr("#- +5.0ms (+10.0ms) heartbeat [ignored]\n"));
}

TEST_F(VerifierTest, UnknownTypesGoIntoTheTimelineOnly) {
    EventSequenceVerifier verifier = one_run();
    feed(verifier, started());
    EXPECT_EQ(feed(verifier, of_type("agent_mood")), EventRole::unknown);
    feed_all(verifier, {thinking(), executing("s"), tool_done("s"), completed()});
    const Verdict verdict = verifier.verdict(0);
    EXPECT_TRUE(verdict.passed());
    EXPECT_EQ(verdict.event_count, 5U);
    ASSERT_THAT(verdict.timeline, SizeIs(6));
    EXPECT_EQ(verdict.timeline[1].role, EventRole::unknown);
    EXPECT_EQ(verdict.timeline[1].event_index, std::nullopt);
    EXPECT_THAT(verdict.timeline[2].event_index, Optional(1U));
    EXPECT_THAT(format_timeline(verdict.timeline), HasSubstr("agent_mood [unknown]"));
}

TEST_F(VerifierTest, IgnoredTypesFollowTheProfile) {
    profile.ignored_types = {"agent_thinking"};
    EventSequenceVerifier verifier = one_run();
    EXPECT_EQ(feed(verifier, thinking()), EventRole::ignored);
    feed(verifier, started());
    feed(verifier, executing("s"));
    EXPECT_THAT(verifier.verdict().violation, IsViolation(Rule::no_thinking_before_tool, 1));
}

// Several runs on one connection.
TEST_F(VerifierTest, TwoRunsRoutedByRunId) {
    EventSequenceVerifier verifier(profile);
    const auto a = verifier.start_run("ta", "ra", origin);
    const auto b = verifier.start_run("tb", "rb", origin + std::chrono::milliseconds(15));
    feed_all(verifier, {started("ra"), started("rb"), thinking("rb"), thinking("ra"),
                        executing("s", "c1", "ra"), executing("s", "c1", "rb"),
                        tool_done("s", "c1", "rb"), tool_done("s", "c1", "ra"), completed("ra")});
    EXPECT_TRUE(verifier.verdict(a).passed());
    EXPECT_FALSE(verifier.verdict(b).completed);
    EXPECT_FALSE(verifier.all_finished());
    EXPECT_TRUE(verifier.finished(a));
    feed(verifier, completed("rb"));
    EXPECT_TRUE(verifier.all_finished());
    const Verdict all = verifier.verdict();
    EXPECT_TRUE(all.passed()) << all.to_string();
    EXPECT_EQ(all.event_count, 10U);
    EXPECT_THAT(all.timeline, SizeIs(10));
    EXPECT_EQ(verifier.verdict(a).event_count, 5U);
    EXPECT_EQ(verifier.verdict(b).event_count, 5U);
    // Run b's timeline is timed from its own origin and its own previous frame.
    const std::vector<TimelineEntry> b_timeline = verifier.verdict(b).timeline;
    EXPECT_THAT(b_timeline[0].offset_ms, DoubleEq(5.0));
    EXPECT_THAT(b_timeline[0].gap_ms, DoubleEq(0.0));
    EXPECT_THAT(b_timeline[1].gap_ms, DoubleEq(10.0));
    EXPECT_THAT(b_timeline[2].gap_ms, DoubleEq(30.0));
}

TEST_F(VerifierTest, TwoRunsRoutedByThreadId) {
    EventSequenceVerifier verifier(profile);
    const auto a = verifier.start_run("ta", "", origin);
    const auto b = verifier.start_run("tb", "", origin);
    feed_all(verifier, {started("", "ta"), started("", "tb"), thinking("", "tb")});
    feed(verifier, thinking("", "ta"));
    json exec_b = executing("s");
    exec_b["thread_id"] = "tb";
    json done_b = tool_done("s");
    done_b["thread_id"] = "tb";
    feed_all(verifier, {exec_b, done_b, completed("", "tb")});
    EXPECT_TRUE(verifier.verdict(b).passed());
    EXPECT_FALSE(verifier.verdict(a).completed);
    verifier.end_of_stream("eof");
    EXPECT_THAT(verifier.verdict(a).violation, IsViolation(Rule::ended_before_completion, 2));
    EXPECT_TRUE(verifier.verdict(b).passed());
    EXPECT_THAT(verifier.verdict().violation, IsViolation(Rule::ended_before_completion, 2));
}

TEST_F(VerifierTest, ViolationInOneRunDoesNotLeakIntoTheOther) {
    EventSequenceVerifier verifier(profile);
    const auto a = verifier.start_run("ta", "ra", origin);
    const auto b = verifier.start_run("tb", "rb", origin);
    feed_all(verifier, {started("ra"), thinking("rb")});
    EXPECT_FALSE(verifier.verdict(a).violation.has_value());
    EXPECT_THAT(verifier.verdict(b).violation, IsViolation(Rule::first_not_started, 0));
    EXPECT_THAT(verifier.verdict().violation, IsViolation(Rule::first_not_started, 0));
    EXPECT_FALSE(verifier.verdict().completed);
}

TEST_F(VerifierTest, ServerAssignedRunIdBindsAtAgentStartedByThread) {
    EventSequenceVerifier verifier(profile);
    const auto run = verifier.start_run("t1", "", origin);
    feed_all(verifier, {started("srv-7", "t1"), thinking("srv-7"), executing("s", "c", "srv-7"),
                        tool_done("s", "c", "srv-7"), completed("srv-7")});
    EXPECT_TRUE(verifier.verdict(run).passed()) << verifier.verdict(run).to_string();
}

TEST_F(VerifierTest, ServerAssignedRunIdBindsToTheSingleOpenRun) {
    EventSequenceVerifier verifier(profile);
    const auto run = verifier.start_run("t1", "", origin);
    feed_all(verifier, {started("srv-7"), thinking("srv-7"), executing("s", "c", "srv-7"),
                        tool_done("s", "c", "srv-7"), completed("srv-7")});
    EXPECT_TRUE(verifier.verdict(run).passed()) << verifier.verdict(run).to_string();
    EXPECT_TRUE(verifier.verdict().passed());
}

TEST_F(VerifierTest, ServerAssignedRunIdIsAmbiguousWithTwoUnboundRuns) {
    EventSequenceVerifier verifier(profile);
    verifier.start_run("t1", "", origin);
    verifier.start_run("t2", "", origin);
    feed(verifier, started("srv-7"));
    EXPECT_THAT(verifier.verdict().violation, IsViolation(Rule::foreign_event, 0));
}

TEST_F(VerifierTest, UnboundRunIdOnANonStartedEventIsForeign) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {started("", "t1"), thinking("srv-unknown")});
    EXPECT_THAT(verifier.verdict().violation, IsViolation(Rule::foreign_event, 1));
}

// Only the first violation is kept, but the timeline stays complete.
TEST_F(VerifierTest, KeepsTheFirstViolationAndKeepsTracking) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {thinking(), started(), started(), completed()});
    const Verdict verdict = verifier.verdict(0);
    EXPECT_THAT(verdict.violation, IsViolation(Rule::first_not_started, 0));
    EXPECT_EQ(verdict.event_count, 4U);
    EXPECT_THAT(verdict.timeline, SizeIs(4));
    EXPECT_TRUE(verdict.completed);
    EXPECT_TRUE(verifier.finished(0));
}

TEST_F(VerifierTest, VerdictWordsAreCountedInTheSingular) {
    profile.require_tool = false;
    EventSequenceVerifier verifier = one_run();
    feed(verifier, started());
    EXPECT_EQ(verifier.verdict().to_string(), "incomplete: agent_completed not received (1 event)");
}

TEST_F(VerifierTest, RuleNamesAreStable) {
    EXPECT_EQ(rule_name(Rule::first_not_started), "first_not_started");
    EXPECT_EQ(rule_name(Rule::duplicate_started), "duplicate_started");
    EXPECT_EQ(rule_name(Rule::no_thinking_before_tool), "no_thinking_before_tool");
    EXPECT_EQ(rule_name(Rule::unmatched_tool_completed), "unmatched_tool_completed");
    EXPECT_EQ(rule_name(Rule::tool_open_at_completion), "tool_open_at_completion");
    EXPECT_EQ(rule_name(Rule::no_tool_call), "no_tool_call");
    EXPECT_EQ(rule_name(Rule::event_after_completion), "event_after_completion");
    EXPECT_EQ(rule_name(Rule::foreign_event), "foreign_event");
    EXPECT_EQ(rule_name(Rule::missing_field), "missing_field");
    EXPECT_EQ(rule_name(Rule::ended_before_completion), "ended_before_completion");
    EXPECT_EQ(rule_name(Rule::agent_error), "agent_error");
}

TEST_F(VerifierTest, ProfileWithOtherNamesChangesTheRules) {
    profile.agent_started = "run_started";
    profile.required_fields = {};
    EventSequenceVerifier verifier = one_run();
    feed(verifier, started());  // agent_started is now an unknown type
    feed(verifier, of_type("run_started"));
    EXPECT_FALSE(verifier.verdict().violation.has_value());
    EXPECT_EQ(verifier.verdict().event_count, 1U);
    EXPECT_EQ(verifier.profile().agent_started, "run_started");
}

}  // namespace
}  // namespace goldenpath

namespace goldenpath {
namespace {

// Issue 13, item 8: what the verifier keeps and says is bounded, whatever the server sends.

TEST_F(VerifierTest, TimelineKeepsTheFirstAndLastEntriesAndCountsTheRest) {
    VerifierLimits limits;
    limits.timeline_head = 10;
    limits.timeline_tail = 3;
    EventSequenceVerifier verifier(profile, limits);
    verifier.start_run("t1", "", origin);
    feed(verifier, started());
    for (int i = 0; i < 49; ++i) {
        feed(verifier, thinking());
    }
    for (const Verdict& verdict : {verifier.verdict(0), verifier.verdict()}) {
        ASSERT_THAT(verdict.timeline, SizeIs(14));
        EXPECT_EQ(verdict.timeline[0].type, "agent_started");
        EXPECT_EQ(verdict.timeline[10].omitted, 37U);
        EXPECT_EQ(verdict.timeline[13].event_index, std::optional<std::size_t>(49));
        EXPECT_EQ(verdict.event_count, 50U);
        EXPECT_THAT(format_timeline(verdict.timeline), HasSubstr("... 37 events omitted ...\n"));
    }
}

TEST_F(VerifierTest, MoreEventsThanTheLimitFailTheRunAsTooManyEvents) {
    VerifierLimits limits;
    limits.max_events_per_run = 5;
    EventSequenceVerifier verifier(profile, limits);
    verifier.start_run("t1", "", origin);
    feed(verifier, started());
    for (int i = 0; i < 9; ++i) {
        feed(verifier, thinking());
    }
    EXPECT_TRUE(verifier.finished(0));
    const Verdict verdict = verifier.verdict(0);
    EXPECT_THAT(verdict.violation, IsViolation(Rule::too_many_events, 5));
    EXPECT_EQ(rule_name(Rule::too_many_events), "too_many_events");
    EXPECT_THAT(verdict.violation->message,
                HasSubstr("at most 5 events per run were expected (max_events_per_run)"));
}

TEST_F(VerifierTest, OpenToolsAtCompletionAreListedBoundedly) {
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {started(), thinking()});
    for (int i = 0; i < 5000; ++i) {
        feed(verifier, executing("tool-" + std::to_string(i), "call-" + std::to_string(i)));
    }
    feed(verifier, completed());
    const auto& violation = verifier.verdict(0).violation;
    ASSERT_THAT(violation, IsViolation(Rule::tool_open_at_completion, 5002));
    EXPECT_LE(violation->message.size(), 2048U);
    EXPECT_LE(violation->expected.size(), 2048U);
    EXPECT_THAT(violation->message, HasSubstr("tool-0 (tool_call_id call-0)"));
    EXPECT_THAT(violation->message, HasSubstr("and 4990 more (5000 open tools in all)"));
}

TEST_F(VerifierTest, HugeServerStringsAreCutInMessagesAndTimelines) {
    const std::string huge(1U << 20U, 'T');
    EventSequenceVerifier verifier = one_run();
    feed(verifier, of_type(huge));  // unknown type: timeline only
    feed(verifier, {{"type", "agent_thinking"}, {"data", {{"reasoning", huge}}}});
    const Verdict verdict = verifier.verdict(0);
    ASSERT_THAT(verdict.violation, IsViolation(Rule::first_not_started, 0));
    EXPECT_LE(verdict.violation->message.size(), 2048U);
    const Verdict connection = verifier.verdict();
    ASSERT_THAT(connection.timeline, SizeIs(2));
    EXPECT_LE(connection.timeline[0].type.size(), 64U);
    EXPECT_THAT(connection.timeline[0].type, HasSubstr("(1048576 bytes)"));
    EXPECT_LE(connection.timeline[0].summary.size(), 256U);
    EXPECT_LE(format_timeline(connection.timeline).size(), 1024U);
}

TEST_F(VerifierTest, ToolsWithHugeIdsStillPairByTheirWholeId) {
    const std::string id_a = std::string(100'000, 'a') + "1";
    const std::string id_b = std::string(100'000, 'a') + "2";  // same long prefix
    EventSequenceVerifier verifier = one_run();
    feed_all(verifier, {started(), thinking(), executing("search", id_a), executing("search", id_b),
                        tool_done("search", id_b), tool_done("search", id_b)});
    const auto& violation = verifier.verdict(0).violation;
    ASSERT_THAT(violation, IsViolation(Rule::unmatched_tool_completed, 5));
    EXPECT_LE(violation->message.size(), 2048U);
}

std::vector<std::size_t> frame_indices(const std::vector<TimelineEntry>& entries) {
    std::vector<std::size_t> out;
    for (const TimelineEntry& entry : entries) {
        out.push_back(entry.omitted > 0 ? 1000 + entry.omitted : entry.frame_index);
    }
    return out;
}

TEST(BoundedTimeline, KeepsTheFirstAndTheLastEntriesInOrder) {
    BoundedTimeline timeline(2, 3);
    for (std::size_t i = 0; i < 10; ++i) {
        TimelineEntry entry;
        entry.frame_index = i;
        entry.offset_ms = static_cast<double>(i);
        timeline.push(entry);
        if (i == 3) {
            EXPECT_THAT(frame_indices(timeline.entries()), ElementsAre(0, 1, 2, 3));
        }
    }
    EXPECT_EQ(timeline.omitted(), 5U);
    // 1005: the marker for five omitted entries.
    EXPECT_THAT(frame_indices(timeline.entries()), ElementsAre(0, 1, 1005, 7, 8, 9));
    timeline.shift_offsets(0.5);
    const auto entries = timeline.entries();
    EXPECT_THAT(entries[3].offset_ms, DoubleEq(7.5));
    EXPECT_THAT(entries[5].offset_ms, DoubleEq(9.5));
}

TEST(BoundedTimeline, WithoutATailKeepsOnlyTheHead) {
    BoundedTimeline timeline(2, 0);
    for (std::size_t i = 0; i < 4; ++i) {
        TimelineEntry entry;
        entry.frame_index = i;
        timeline.push(entry);
    }
    EXPECT_THAT(frame_indices(timeline.entries()), ElementsAre(0, 1, 1002));
}

}  // namespace
}  // namespace goldenpath
