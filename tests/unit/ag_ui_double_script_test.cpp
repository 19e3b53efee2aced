// What the doubles send under the ag-ui profile: Script::golden_path is a valid AG-UI run (every
// span a pairing opens is closed, the tool fields are the profile's), and InMemoryClient answers a
// RunAgentInput with it, without a ready event.
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goldenpath/event_list_verdict.hpp"
#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/in_memory_client.hpp"
#include "goldenpath/script.hpp"
#include "goldenpath/shipped_profiles.hpp"

namespace goldenpath {
namespace {

using fixtures::FollowsGoldenPath;
using nlohmann::json;
using testing::ElementsAre;

const ProtocolProfile& ag_ui() {
    static const ProtocolProfile profile = *shipped_profile("ag-ui");
    return profile;
}

std::vector<std::string> types_of(const Script& script) {
    std::vector<std::string> types;
    for (const auto& step : script.steps()) {
        types.push_back(step.event.value("type", std::string("?")));
    }
    return types;
}

// The script's events as a client receives them for run {thread-1, run-1}, judged.
Verdict verdict_of(const Script& script, const ProtocolProfile& profile) {
    std::vector<Event> events;
    for (const auto& step : script.steps()) {
        json body = step.event;
        body[profile.thread_id_field] = "thread-1";
        body[profile.run_id_field] = "run-1";
        events.push_back(make_event(body, profile, Clock::time_point{}, events.size()));
    }
    return verify_event_list(events, profile).verdict;
}

TEST(AgUiDoubleScript, GoldenPathClosesEverySpanAndUsesTheProfilesToolFields) {
    const Script script = Script::golden_path(ag_ui());

    EXPECT_THAT(types_of(script), ElementsAre("RUN_STARTED", "REASONING_START", "REASONING_END",
                                              "TOOL_CALL_START", "TOOL_CALL_END", "RUN_FINISHED"));
    const auto& steps = script.steps();
    EXPECT_EQ(steps[1].event.at("messageId"), steps[2].event.at("messageId"));
    EXPECT_EQ(steps[3].event.at("toolCallId"), "call-1");
    EXPECT_EQ(steps[3].event.at("toolCallName"), "order_lookup");
    EXPECT_EQ(steps[4].event.at("toolCallId"), "call-1");
    const Verdict verdict = verdict_of(script, ag_ui());
    EXPECT_TRUE(verdict.passed()) << verdict.to_string();
}

TEST(AgUiDoubleScript, WithToolsPairsEveryCall) {
    const Script script = Script::with_tools(3, ag_ui());

    EXPECT_EQ(script.event_count(), 10U);  // started, reasoning pair, 3 call pairs, finished
    const Verdict verdict = verdict_of(script, ag_ui());
    EXPECT_TRUE(verdict.passed()) << verdict.to_string();
}

TEST(AgUiDoubleScript, AgentChatGoldenPathIsUnchanged) {
    const Script script = Script::golden_path();

    EXPECT_THAT(types_of(script), ElementsAre("agent_started", "agent_thinking", "tool_executing",
                                              "tool_completed", "agent_completed"));
    EXPECT_EQ(script.steps()[2].event.at("data"),
              json({{"tool_name", "order_lookup"}, {"tool_call_id", "call-1"}}));
}

JourneyResult run_in_memory(const ProtocolProfile& journey_profile) {
    AgentServerDoubleOptions server;
    server.profile = ag_ui();
    server.script = Script::golden_path(ag_ui());
    JourneyOptions options;
    options.profile = journey_profile;
    options.config.url = Url::parse("http://agents.in-memory:80/agent");
    options.config.timeouts.first_event = Milliseconds(300);
    options.config.timeouts.completion = Milliseconds(2000);
    options.client_factory = [server] { return std::make_unique<InMemoryClient>(server); };
    return GoldenPathJourney(std::move(options)).run();
}

TEST(AgUiDoubleScript, InMemoryClientAnswersARunAgentInputWithoutAReadyEvent) {
    const JourneyResult result = run_in_memory(ag_ui());

    EXPECT_THAT(result, FollowsGoldenPath());
    ASSERT_FALSE(result.frames.empty());
    EXPECT_EQ(json::parse(result.frames.front()).at("type"), "RUN_STARTED");
}

TEST(AgUiDoubleScript, AStartMessageWithoutTheTemplatesFieldsIsNotAnswered) {
    ProtocolProfile chat = default_profile();
    chat.wait_for_ready = false;
    const JourneyResult result = run_in_memory(chat);

    ASSERT_TRUE(result.failure) << result.to_string();
    EXPECT_EQ(result.failure->kind_label(), "timeout(first_event)") << result.to_string();
}

}  // namespace
}  // namespace goldenpath
