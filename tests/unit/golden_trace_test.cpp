// Golden traces: recording, normalisation, JSONL files, diffs, replay, the shipped traces and the
// MatchesGoldenTrace matcher.
#include "goldenpath/fixtures/golden_trace.hpp"  // first: the header is self-contained

#include <cstdlib>
#include <filesystem>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "explain.hpp"
#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/temporary_directory.hpp"

namespace goldenpath {
namespace {

using fixtures::diff;
using fixtures::GoldenTrace;
using fixtures::MatchesGoldenTrace;
using fixtures::NormaliseRules;
using fixtures::TemporaryDirectory;
using fixtures::TraceError;
using testing::HasSubstr;
using testing::Not;

const std::filesystem::path kTraces = std::filesystem::path(GOLDENPATH_DATA_DIR) / "traces";

// The scripts the shipped traces are derived from (see ShippedTracesTest).
Script agent_error_script() {
    const Script golden = Script::golden_path();
    Script script;
    script.event(golden.steps()[0].event)
        .event(golden.steps()[1].event)
        .event({{"type", "agent_error"},
                {"data", {{"message", "The order service is unavailable."}}}});
    return script;
}

JourneyResult journey_of(const std::vector<nlohmann::json>& bodies) {
    JourneyResult result;
    for (const auto& body : bodies) {
        result.frames.push_back(body.dump());
    }
    return result;
}

using test::explain;

// Recording and normalisation

TEST(GoldenTraceTest, RecordKeepsRunTerminalAndUnknownEventsOnly) {
    const auto result = journey_of({
        {{"type", "connection_established"}, {"data", {{"connection_id", "conn-1"}}}},
        {{"type", "agent_started"}, {"agent_name", "triage"}},
        {{"type", "heartbeat"}},
        {{"type", "custom_progress"}, {"step", 1}},
        {{"type", "agent_error"}, {"data", {{"message", "boom"}}}},
    });
    auto with_garbage = result;
    with_garbage.frames.insert(with_garbage.frames.begin() + 2, "{not json");

    const GoldenTrace trace = GoldenTrace::record(with_garbage);
    ASSERT_EQ(trace.events.size(), 3U);
    EXPECT_EQ(trace.events[0]["type"], "agent_started");
    EXPECT_EQ(trace.events[1]["type"], "custom_progress");
    EXPECT_EQ(trace.events[2]["type"], "agent_error");
}

TEST(GoldenTraceTest, NormalisationReplacesVolatileFieldsAtTheRootAndInContainers) {
    GoldenTrace trace;
    trace.events = {
        {{"type", "agent_started"},
         {"run_id", "r-93"},
         {"thread_id", "t-17"},
         {"timestamp", 1757707895.5},
         {"data", {{"user_id", "u-1"}}}},
        {{"type", "agent_thinking"},
         {"payload", {{"timestamp", "2025-09-12T20:11:35Z"}, {"run_id", nullptr}}}},
    };
    const GoldenTrace normalised = trace.normalised();
    EXPECT_EQ(normalised.events[0], nlohmann::json({{"type", "agent_started"},
                                                    {"run_id", "<run_id>"},
                                                    {"thread_id", "<thread_id>"},
                                                    {"timestamp", "<timestamp>"},
                                                    {"data", {{"user_id", "<user_id>"}}}}));
    // A null stays null: it says the field is absent, which is not volatile.
    EXPECT_EQ(normalised.events[1],
              nlohmann::json({{"type", "agent_thinking"},
                              {"payload", {{"timestamp", "<timestamp>"}, {"run_id", nullptr}}}}));
}

TEST(GoldenTraceTest, NormalisationMapsIdsConsistentlySoPairingIsPreserved) {
    GoldenTrace trace;
    trace.events = {
        {{"type", "tool_executing"}, {"data", {{"tool_call_id", "call_zz"}}}},
        {{"type", "tool_executing"}, {"data", {{"tool_call_id", "call_aa"}}}},
        {{"type", "tool_completed"}, {"data", {{"tool_call_id", "call_aa"}}}},
        {{"type", "tool_completed"}, {"payload", {{"execution_id", "call_zz"}}}},
        {{"type", "tool_executing"}, {"tool_call_id", 7}},
        {{"type", "tool_executing"}, {"tool_call_id", "7"}},
    };
    const GoldenTrace normalised = trace.normalised();
    EXPECT_EQ(normalised.events[0]["data"]["tool_call_id"], "<id-1>");
    EXPECT_EQ(normalised.events[1]["data"]["tool_call_id"], "<id-2>");
    EXPECT_EQ(normalised.events[2]["data"]["tool_call_id"], "<id-2>");
    EXPECT_EQ(normalised.events[3]["payload"]["execution_id"], "<id-1>");
    EXPECT_EQ(normalised.events[4]["tool_call_id"], "<id-3>");
    EXPECT_EQ(normalised.events[5]["tool_call_id"], "<id-4>");
    // Normalising twice changes nothing, so stored traces can be normalised again.
    EXPECT_EQ(normalised.normalised(), normalised);
}

TEST(GoldenTraceTest, RulesAreConfigurable) {
    GoldenTrace trace;
    trace.events = {{{"type", "agent_started"},
                     {"session", "s-1"},
                     {"run_id", "r-1"},
                     {"payload", {{"debug", "x"}}}}};
    NormaliseRules rules;
    rules.placeholder_fields = {"session"};
    rules.id_fields = {};
    rules.dropped_fields = {"debug"};
    EXPECT_EQ(trace.normalised(rules).events[0],
              nlohmann::json({{"type", "agent_started"},
                              {"session", "<session>"},
                              {"run_id", "r-1"},
                              {"payload", nlohmann::json::object()}}));
}

// Files

TEST(GoldenTraceTest, WritesAndReadsJsonl) {
    const TemporaryDirectory directory;
    const GoldenTrace trace = GoldenTrace::from_script(Script::with_tools(2)).normalised();
    const std::string path = directory.path_of("trace.jsonl");
    trace.write_jsonl(path);
    EXPECT_EQ(GoldenTrace::read_jsonl(path), trace);

    // Blank lines and CRLF line ends are accepted.
    const std::string edited = directory.write_file(
        "edited.jsonl", "{\"type\":\"agent_started\"}\r\n\n  \n{\"type\":\"agent_completed\"}\n");
    EXPECT_EQ(GoldenTrace::read_jsonl(edited).events.size(), 2U);
}

TEST(GoldenTraceTest, ABadLineNamesFileAndLine) {
    const TemporaryDirectory directory;
    const std::string path = directory.write_file(
        "bad.jsonl", "{\"type\":\"agent_started\"}\n{\"type\": \"agent_thinking\"\n");
    try {
        GoldenTrace::read_jsonl(path);
        FAIL() << "expected a TraceError";
    } catch (const TraceError& error) {
        EXPECT_EQ(error.line(), 2U);
        EXPECT_EQ(error.path(), path);
        EXPECT_EQ(std::string(error.what()),
                  "[goldenpath.trace] (" + path +
                      ":2) must be one JSON object per line, but is not valid JSON: "
                      "{\"type\": \"agent_thinking\"");
    }
}

TEST(GoldenTraceTest, ALineNestedTooDeepNamesFileLineAndPointer) {
    const TemporaryDirectory directory;
    const std::string path = directory.write_file(
        "deep.jsonl", "{\"type\":\"agent_started\",\"x\":" + std::string(100000, '[') + "\n");
    try {
        GoldenTrace::read_jsonl(path);
        FAIL() << "expected a TraceError";
    } catch (const TraceError& error) {
        EXPECT_EQ(error.line(), 1U);
        EXPECT_THAT(error.what(), testing::HasSubstr(":1) must nest at most 64 levels deep, but is "
                                                     "deeper at /x/0/0/0"));
    }
}

TEST(GoldenTraceTest, ALineThatIsNotAnObjectNamesFileAndLine) {
    const TemporaryDirectory directory;
    const std::string path = directory.write_file("array.jsonl", "\n[1,2]\n");
    EXPECT_THROW(
        {
            try {
                GoldenTrace::read_jsonl(path);
            } catch (const TraceError& error) {
                EXPECT_EQ(std::string(error.what()),
                          "[goldenpath.trace] (" + path +
                              ":2) must be one JSON object per line, but is [1,2]");
                throw;
            }
        },
        TraceError);
}

TEST(GoldenTraceTest, AMissingFileIsATraceError) {
    const TemporaryDirectory directory;
    const std::string path = directory.path_of("absent.jsonl");
    try {
        GoldenTrace::read_jsonl(path);
        FAIL() << "expected a TraceError";
    } catch (const TraceError& error) {
        EXPECT_EQ(error.line(), 0U);
        EXPECT_THAT(error.what(), HasSubstr("(" + path + ") must be a readable JSONL file"));
    }
}

// Diffs

GoldenTrace golden() {
    return GoldenTrace::from_script(Script::golden_path()).normalised();
}

TEST(GoldenTraceDiffTest, EqualTracesHaveNoDiff) {
    EXPECT_EQ(diff(golden(), golden()), "");
}

TEST(GoldenTraceDiffTest, AChangedFieldNamesEventPointerAndValues) {
    GoldenTrace actual = golden();
    actual.events[2]["data"]["tool_name"] = "search";
    actual.events[3]["data"].erase("results");
    actual.events[3]["data"]["error"] = "timeout";
    EXPECT_EQ(diff(golden(), actual),
              "event #2 tool_executing: /data/tool_name is \"search\", but \"order_lookup\" was "
              "expected\n"
              "event #3 tool_completed: /data/error is \"timeout\", but was not expected\n"
              "event #3 tool_completed: /data/results is absent, but {\"status\":\"shipped\"} "
              "was expected");
}

TEST(GoldenTraceDiffTest, AMissingEventDoesNotShiftTheRest) {
    GoldenTrace actual = golden();
    actual.events.erase(actual.events.begin() + 1);
    EXPECT_EQ(diff(golden(), actual),
              "missing event #1 agent_thinking: {\"data\":{\"reasoning\":\"Looking up the "
              "order\"},\"run_id\":\"<run_id>\",\"thread_id\":\"<thread_id>\",\"type\":"
              "\"agent_thinking\"}");
}

TEST(GoldenTraceDiffTest, AnExtraEventIsNamedWithItsActualIndex) {
    GoldenTrace actual = golden();
    actual.events.push_back({{"type", "agent_thinking"}, {"data", {{"reasoning", "again"}}}});
    EXPECT_EQ(diff(golden(), actual),
              "extra event #5 agent_thinking: {\"data\":{\"reasoning\":\"again\"},\"type\":"
              "\"agent_thinking\"}");
}

TEST(GoldenTraceDiffTest, ChangesAfterAMissingEventCarryBothIndices) {
    GoldenTrace actual = golden();
    actual.events.erase(actual.events.begin() + 1);
    actual.events[3]["data"]["final_response"] = "Sorry.";
    EXPECT_THAT(diff(golden(), actual),
                HasSubstr("event #4 (actual #3) agent_completed: /data/final_response is "
                          "\"Sorry.\", but \"Your order has shipped.\" was expected"));
}

// Replay

TEST(GoldenTraceReplayTest, TraceToScriptReplaysTheSameEvents) {
    for (const Script& script :
         {Script::golden_path(), Script::with_tools(3), agent_error_script()}) {
        const GoldenTrace trace = GoldenTrace::from_script(script).normalised();
        const Script replay = trace.to_script();
        EXPECT_EQ(replay.event_count(), trace.events.size());
        EXPECT_EQ(diff(trace, GoldenTrace::from_script(replay).normalised()), "");
    }
}

TEST(GoldenTraceReplayTest, ToScriptDropsRunPlaceholdersSoTheServerFillsThem) {
    GoldenTrace trace;
    trace.events = {{{"type", "agent_started"},
                     {"run_id", "<run_id>"},
                     {"data", {{"thread_id", "<thread_id>"}, {"tool_call_id", "<id-1>"}}}}};
    const Script script = trace.to_script();
    ASSERT_EQ(script.steps().size(), 1U);
    EXPECT_EQ(script.steps()[0].event,
              nlohmann::json({{"type", "agent_started"}, {"data", {{"tool_call_id", "<id-1>"}}}}));
}

// The shipped traces are derived from scripts; this test re-derives them, so they cannot rot.
// GOLDENPATH_UPDATE_TRACES=1 rewrites them after an intended change of the scripts.
struct ShippedTrace {
    std::string name;
    Script script;
};

// Names the parameter in test listings (ctest shows it) instead of a byte dump.
void PrintTo(const ShippedTrace& trace, std::ostream* os) {
    *os << trace.name;
}

class ShippedTracesTest : public testing::TestWithParam<ShippedTrace> {};

TEST_P(ShippedTracesTest, MatchesItsScript) {
    const auto& shipped = GetParam();
    const GoldenTrace derived = GoldenTrace::from_script(shipped.script).normalised();
    const auto path = kTraces / (shipped.name + ".jsonl");
    const char* update = std::getenv("GOLDENPATH_UPDATE_TRACES");
    if (update != nullptr && std::string_view(update) == "1") {
        derived.write_jsonl(path);
    }
    EXPECT_EQ(diff(GoldenTrace::read_jsonl(path), derived), "") << "in " << path;
}

INSTANTIATE_TEST_SUITE_P(DefaultProfile, ShippedTracesTest,
                         testing::Values(ShippedTrace{"happy_path", Script::golden_path()},
                                         ShippedTrace{"multi_tool", Script::with_tools(3)},
                                         ShippedTrace{"agent_error", agent_error_script()}),
                         [](const testing::TestParamInfo<ShippedTrace>& param_info) {
                             return param_info.param.name;
                         });

TEST(ShippedTracesContentTest, AgentErrorEndsWithTheErrorAndItsMessage) {
    const auto trace = GoldenTrace::read_jsonl(kTraces / "agent_error.jsonl");
    ASSERT_EQ(trace.events.size(), 3U);
    EXPECT_EQ(trace.events[2]["type"], "agent_error");
    EXPECT_EQ(trace.events[2]["data"]["message"], "The order service is unavailable.");
}

// The matcher

TEST(MatchesGoldenTraceTest, Describes) {
    EXPECT_EQ(testing::DescribeMatcher<JourneyResult>(MatchesGoldenTrace(golden())),
              "matches the golden trace (5 events: agent_started, agent_thinking, tool_executing, "
              "tool_completed, agent_completed)");
    EXPECT_EQ(testing::DescribeMatcher<std::vector<Event>>(
                  Not(MatchesGoldenTrace(GoldenTrace::read_jsonl(kTraces / "agent_error.jsonl")))),
              "does not match the golden trace (3 events: agent_started, agent_thinking, "
              "agent_error)");
}

JourneyResult journey_with_ids(const Script& script, std::string_view run_id) {
    JourneyResult result;
    result.frames.push_back(
        R"({"type":"connection_established","data":{"connection_id":"conn-9","user_id":"u-9"}})");
    for (const auto& step : script.steps()) {
        nlohmann::json event = step.event;
        event["run_id"] = run_id;
        event["thread_id"] = "thread-xyz";
        result.frames.push_back(event.dump());
    }
    return result;
}

TEST(MatchesGoldenTraceTest, IgnoresVolatileFields) {
    EXPECT_THAT(journey_with_ids(Script::golden_path(), "run-abc"), MatchesGoldenTrace(golden()));
    EXPECT_EQ(explain(MatchesGoldenTrace(golden()), journey_with_ids(Script::golden_path(), "r")),
              "whose normalised trace equals the golden trace");
}

TEST(MatchesGoldenTraceTest, AFieldTheGoldenTraceLacksIsADifferenceUnlessDropped) {
    auto result = journey_with_ids(Script::golden_path(), "run-abc");
    for (std::size_t i = 1; i < result.frames.size(); ++i) {
        auto event = nlohmann::json::parse(result.frames[i]);
        event["data"]["timestamp"] = "2025-09-12T20:11:35Z";
        result.frames[i] = event.dump();
    }
    EXPECT_THAT(explain(MatchesGoldenTrace(golden()), result),
                HasSubstr("event #0 agent_started: /data/timestamp is \"<timestamp>\", but was "
                          "not expected"));
    NormaliseRules rules;
    rules.dropped_fields = {"timestamp"};
    EXPECT_THAT(result, MatchesGoldenTrace(golden(), rules));
}

TEST(MatchesGoldenTraceTest, ExplainsWithTheDiff) {
    const auto result = journey_with_ids(Script::golden_path().drop_event(4), "run-abc");
    EXPECT_THAT(result, Not(MatchesGoldenTrace(golden())));
    EXPECT_EQ(explain(MatchesGoldenTrace(golden()), result),
              "whose normalised trace differs from the golden trace:\n"
              "missing event #4 agent_completed: {\"data\":{\"final_response\":\"Your order has "
              "shipped.\"},\"run_id\":\"<run_id>\",\"thread_id\":\"<thread_id>\",\"type\":"
              "\"agent_completed\"}");
}

TEST(MatchesGoldenTraceTest, FailedExpectationReportsThroughGoogleTest) {
    const auto result = journey_with_ids(Script::with_tools(2), "run-abc");
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(result, MatchesGoldenTrace(golden())),
                            "event #2 tool_executing: /data/tool_name is \"tool_1\", but "
                            "\"order_lookup\" was expected");
}

// Over loopback: a shipped trace matches a real journey against the double, and a trace
// replayed by the double matches itself.
class GoldenTraceOverLoopbackTest : public fixtures::AgentServerDoubleTest {};

TEST_F(GoldenTraceOverLoopbackTest, HappyPathJourneyMatchesTheShippedTrace) {
    EXPECT_THAT(RunGoldenPath(),
                MatchesGoldenTrace(GoldenTrace::read_jsonl(kTraces / "happy_path.jsonl")));
}

TEST_F(GoldenTraceOverLoopbackTest, ReplayedTraceMatchesItself) {
    const auto trace = GoldenTrace::read_jsonl(kTraces / "multi_tool.jsonl");
    AgentServerDoubleOptions options;
    options.script = trace.to_script();
    RestartServer(std::move(options));
    const auto result = RunGoldenPath();
    EXPECT_THAT(result, fixtures::FollowsGoldenPath());
    EXPECT_THAT(result, MatchesGoldenTrace(trace));
}

}  // namespace
}  // namespace goldenpath
