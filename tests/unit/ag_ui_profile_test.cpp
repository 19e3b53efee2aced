// The AG-UI event streams of interop/agui/streams.mjs (written with AG-UI's own packages),
// transcribed as event lists and judged with the shipped ag-ui profile.
#include <algorithm>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/event_list_verdict.hpp"
#include "goldenpath/shipped_profiles.hpp"

namespace goldenpath {
namespace {

using nlohmann::json;
using testing::HasSubstr;

const ProtocolProfile& ag_ui() {
    static const ProtocolProfile profile = *shipped_profile("ag-ui");
    return profile;
}

std::vector<Event> events_of(const std::vector<json>& bodies) {
    std::vector<Event> events;
    for (std::size_t i = 0; i < bodies.size(); ++i) {
        events.push_back(make_event(bodies[i], ag_ui(), Clock::time_point{}, i));
    }
    return events;
}

// streams.mjs goldenRun("thread-1", "run-1").
std::vector<json> golden_run() {
    return {
        {{"type", "RUN_STARTED"}, {"threadId", "thread-1"}, {"runId", "run-1"}},
        {{"type", "TEXT_MESSAGE_START"}, {"messageId", "msg-1"}, {"role", "assistant"}},
        {{"type", "TEXT_MESSAGE_CONTENT"},
         {"messageId", "msg-1"},
         {"delta", "Looking up your order"}},
        {{"type", "TEXT_MESSAGE_END"}, {"messageId", "msg-1"}},
        {{"type", "TOOL_CALL_START"}, {"toolCallId", "call-1"}, {"toolCallName", "order_lookup"}},
        {{"type", "TOOL_CALL_ARGS"}, {"toolCallId", "call-1"}, {"delta", R"({"order":"A-1"})"}},
        {{"type", "TOOL_CALL_END"}, {"toolCallId", "call-1"}},
        {{"type", "TOOL_CALL_RESULT"},
         {"messageId", "msg-2"},
         {"toolCallId", "call-1"},
         {"content", "shipped"}},
        {{"type", "RUN_FINISHED"}, {"threadId", "thread-1"}, {"runId", "run-1"}},
    };
}

std::vector<json> without(std::vector<json> bodies, const std::vector<std::string>& types) {
    std::erase_if(bodies, [&](const json& body) {
        return std::find(types.begin(), types.end(), body.at("type")) != types.end();
    });
    return bodies;
}

Verdict verdict_of(const std::vector<json>& bodies) {
    return verify_event_list(events_of(bodies), ag_ui()).verdict;
}

TEST(AgUiStreams, GoldenRunPasses) {
    const Verdict verdict = verdict_of(golden_run());
    EXPECT_TRUE(verdict.passed()) << verdict.to_string();
    EXPECT_EQ(verdict.event_count, 9U);
}

TEST(AgUiStreams, ToolCallNeverEndedIsAToolOpenAtCompletion) {
    const Verdict verdict =
        verdict_of(without(golden_run(), {"TOOL_CALL_END", "TOOL_CALL_RESULT"}));
    ASSERT_TRUE(verdict.violation);
    EXPECT_EQ(verdict.violation->rule, Rule::tool_open_at_completion) << verdict.to_string();
    EXPECT_EQ(verdict.violation->event_index, 6U);
    EXPECT_THAT(verdict.violation->message, HasSubstr("order_lookup (tool_call_id call-1)"));
}

TEST(AgUiStreams, RunErrorIsAnAgentErrorWithMessageAndCode) {
    const std::vector<json> run_error = {
        golden_run().front(),
        {{"type", "RUN_ERROR"}, {"message", "tool crashed"}, {"code", "TOOL_FAILED"}}};
    const Verdict verdict = verdict_of(run_error);
    ASSERT_TRUE(verdict.violation);
    EXPECT_EQ(verdict.violation->rule, Rule::agent_error);
    EXPECT_EQ(verdict.violation->event_index, 1U);
    EXPECT_EQ(verdict.violation->actual, "RUN_ERROR");
    EXPECT_THAT(verdict.violation->message,
                HasSubstr("RUN_ERROR \"tool crashed (code TOOL_FAILED)\" (the run failed)"));
    EXPECT_EQ(ag_ui().server_message(run_error[1]), "tool crashed (code TOOL_FAILED)");
}

TEST(AgUiStreams, EventAfterRunFinishedIsEventAfterCompletion) {
    std::vector<json> bodies = golden_run();
    bodies.push_back(
        {{"type", "TEXT_MESSAGE_START"}, {"messageId", "msg-3"}, {"role", "assistant"}});
    const Verdict verdict = verdict_of(bodies);
    ASSERT_TRUE(verdict.violation);
    EXPECT_EQ(verdict.violation->rule, Rule::event_after_completion) << verdict.to_string();
    EXPECT_EQ(verdict.violation->event_index, 9U);
}

TEST(AgUiStreams, NoRunStartedIsFirstNotStarted) {
    std::vector<json> bodies = golden_run();
    bodies.erase(bodies.begin());
    const Verdict verdict = verdict_of(bodies);
    ASSERT_TRUE(verdict.violation);
    EXPECT_EQ(verdict.violation->rule, Rule::first_not_started) << verdict.to_string();
    EXPECT_EQ(verdict.violation->event_index, 0U);
    EXPECT_EQ(verdict.violation->actual, "TEXT_MESSAGE_START");
}

TEST(AgUiStreams, TextMessageNeverEndedIsUnpairedNamingTheMessage) {
    const Verdict verdict = verdict_of(without(golden_run(), {"TEXT_MESSAGE_END"}));
    ASSERT_TRUE(verdict.violation);
    EXPECT_EQ(verdict.violation->rule, Rule::unpaired) << verdict.to_string();
    EXPECT_EQ(verdict.violation->pairing, "text_message");
    EXPECT_EQ(verdict.violation->pairing_id, "msg-1");
    EXPECT_EQ(verdict.violation->event_index, 7U);
    EXPECT_EQ(verdict.violation->message,
              "unpaired: event #7 is RUN_FINISHED, but TEXT_MESSAGE_END with messageId msg-1 was "
              "expected first (text_message msg-1 is still open) (pairing text_message)");
}

// AG-UI's own pairing checks beyond streams.mjs, one per pairing of the ag-ui profile.
struct PairingCase {
    const char* name;
    std::vector<json> inserted;  // after TEXT_MESSAGE_END (event #3)
    const char* pairing;
    const char* id;
    std::size_t index;
};

void PrintTo(const PairingCase& c, std::ostream* out) {
    *out << c.name;
}

class AgUiPairing : public testing::TestWithParam<PairingCase> {};

TEST_P(AgUiPairing, IsUnpairedNamingPairingIndexAndId) {
    std::vector<json> bodies = golden_run();
    bodies.insert(bodies.begin() + 4, GetParam().inserted.begin(), GetParam().inserted.end());
    const Verdict verdict = verdict_of(bodies);
    ASSERT_TRUE(verdict.violation);
    EXPECT_EQ(verdict.violation->rule, Rule::unpaired) << verdict.to_string();
    EXPECT_EQ(verdict.violation->pairing, GetParam().pairing);
    EXPECT_EQ(verdict.violation->pairing_id, GetParam().id);
    EXPECT_EQ(verdict.violation->event_index, GetParam().index) << verdict.to_string();
    EXPECT_THAT(verdict.violation->message,
                HasSubstr(fmt::format("(pairing {})", GetParam().pairing)));
}

INSTANTIATE_TEST_SUITE_P(
    AgUiStreams, AgUiPairing,
    testing::Values(PairingCase{"text_message_end_unopened",
                                {{{"type", "TEXT_MESSAGE_END"}, {"messageId", "msg-9"}}},
                                "text_message",
                                "msg-9",
                                4},
                    PairingCase{"text_message_started_twice",
                                {{{"type", "TEXT_MESSAGE_START"}, {"messageId", "msg-5"}},
                                 {{"type", "TEXT_MESSAGE_START"}, {"messageId", "msg-5"}}},
                                "text_message",
                                "msg-5",
                                5},
                    PairingCase{"tool_call_started_twice",
                                {{{"type", "TOOL_CALL_START"},
                                  {"toolCallId", "call-1"},
                                  {"toolCallName", "a"}}},
                                "tool_call",
                                "call-1",
                                5},
                    PairingCase{"step_finished_unstarted",
                                {{{"type", "STEP_FINISHED"}, {"stepName", "plan"}}},
                                "step",
                                "plan",
                                4},
                    PairingCase{"step_never_finished",
                                {{{"type", "STEP_STARTED"}, {"stepName", "plan"}}},
                                "step",
                                "plan",
                                9},
                    PairingCase{"reasoning_never_ended",
                                {{{"type", "REASONING_START"}, {"messageId", "r-1"}}},
                                "reasoning",
                                "r-1",
                                9},
                    PairingCase{"reasoning_end_unstarted",
                                {{{"type", "REASONING_END"}, {"messageId", "r-2"}}},
                                "reasoning",
                                "r-2",
                                4}),
    [](const testing::TestParamInfo<PairingCase>& param_info) {
        return std::string(param_info.param.name);
    });

TEST(AgUiStreams, PairedStepsAndReasoningPass) {
    std::vector<json> bodies = golden_run();
    const std::vector<json> inserted = {
        {{"type", "STEP_STARTED"}, {"stepName", "plan"}},
        {{"type", "REASONING_START"}, {"messageId", "r-1"}},
        {{"type", "REASONING_MESSAGE_START"}, {"messageId", "r-1m"}, {"role", "reasoning"}},
        {{"type", "REASONING_MESSAGE_CONTENT"}, {"messageId", "r-1m"}, {"delta", "hm"}},
        {{"type", "REASONING_MESSAGE_END"}, {"messageId", "r-1m"}},
        {{"type", "REASONING_END"}, {"messageId", "r-1"}},
        {{"type", "STEP_FINISHED"}, {"stepName", "plan"}},
        {{"type", "STATE_SNAPSHOT"}, {"snapshot", json::object()}},
        {{"type", "CUSTOM"}, {"name", "x"}, {"value", 1}},
    };
    bodies.insert(bodies.begin() + 4, inserted.begin(), inserted.end());
    const Verdict verdict = verdict_of(bodies);
    EXPECT_TRUE(verdict.passed()) << verdict.to_string();
}

// With tool_completed's alternatives, TOOL_CALL_RESULT alone completes a call, but a second
// TOOL_CALL_RESULT (or END) of the same call is unmatched.
TEST(AgUiStreams, EachToolCompletionTypeCompletesACallOnce) {
    const Verdict result_only = verdict_of(without(golden_run(), {"TOOL_CALL_END"}));
    ASSERT_TRUE(result_only.violation);  // the tool_call pairing wants TOOL_CALL_END
    EXPECT_EQ(result_only.violation->rule, Rule::unpaired) << result_only.to_string();
    EXPECT_EQ(result_only.violation->pairing, "tool_call");

    std::vector<json> twice = golden_run();
    twice.insert(twice.begin() + 8, twice[7]);
    const Verdict verdict = verdict_of(twice);
    ASSERT_TRUE(verdict.violation);
    EXPECT_EQ(verdict.violation->rule, Rule::unmatched_tool_completed) << verdict.to_string();
    EXPECT_EQ(verdict.violation->event_index, 8U);
}

// AG-UI has no thinking event: the role is optional, but a tool pair is still required.
TEST(AgUiStreams, ThinkingIsOptionalButAToolCallIsNot) {
    const Verdict no_tool = verdict_of(without(
        golden_run(), {"TOOL_CALL_START", "TOOL_CALL_ARGS", "TOOL_CALL_END", "TOOL_CALL_RESULT"}));
    ASSERT_TRUE(no_tool.violation);
    EXPECT_EQ(no_tool.violation->rule, Rule::no_tool_call);

    ProtocolProfile strict = ag_ui();
    strict.optional_roles.clear();
    const Verdict verdict = verify_event_list(events_of(golden_run()), strict).verdict;
    ASSERT_TRUE(verdict.violation);
    EXPECT_EQ(verdict.violation->rule, Rule::no_thinking_before_tool);
}

TEST(AgUiStreams, UnknownTypesAreRunEventsOnlyWhenTheProfileSaysSo) {
    std::vector<json> bodies = golden_run();
    bodies.push_back({{"type", "STATE_DELTA"}, {"delta", json::array()}});
    const Verdict counted = verdict_of(bodies);
    ASSERT_TRUE(counted.violation);
    EXPECT_EQ(counted.violation->rule, Rule::event_after_completion);

    ProtocolProfile lenient = ag_ui();
    lenient.unknown_types_are_run_events = false;
    const EventListVerdict timeline_only = verify_event_list(events_of(bodies), lenient);
    EXPECT_TRUE(timeline_only.verdict.passed()) << timeline_only.verdict.to_string();
    EXPECT_EQ(timeline_only.event_indices.back(), std::nullopt);
}

}  // namespace
}  // namespace goldenpath
