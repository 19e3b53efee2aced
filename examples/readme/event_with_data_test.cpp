// README example: EventWithData.
// [readme:event_with_data]
#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/event_matchers.hpp"

using goldenpath::fixtures::EventWithData;

class ToolCall : public goldenpath::fixtures::AgentServerDoubleTest {};

TEST_F(ToolCall, LooksTheOrderUp) {
    const auto result = RunGoldenPath();
    // Top-level keys are found in "data", "payload" or the root; only the keys given count.
    EXPECT_THAT(result, EventWithData("tool_executing", {{"tool_name", "order_lookup"}}));
    EXPECT_THAT(result, EventWithData({{"results", {{"status", "shipped"}}}}));
    // With "search" instead, the explanation says: ... whose closest event #2 tool_executing
    //                                             has /tool_name "order_lookup", but "search"
    //                                             was expected, then the journey's timeline
}
// [end]

// Keeps the explanation quoted above true.
TEST_F(ToolCall, ExplanationQuotedInTheReadme) {
    testing::StringMatchResultListener listener;
    EXPECT_FALSE(testing::ExplainMatchResult(
        EventWithData("tool_executing", {{"tool_name", "search"}}), RunGoldenPath(), &listener));
    const std::string explanation = listener.str();
    EXPECT_EQ(explanation.substr(0, explanation.find('\n')),
              "whose closest event #2 tool_executing has /tool_name \"order_lookup\", but "
              "\"search\" was expected");
    EXPECT_THAT(explanation, testing::HasSubstr("\ntimeline:\n"));
}
