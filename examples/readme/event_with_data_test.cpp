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
    // With "search" instead, the explanation says: ... whose closest event #3 tool_executing
    //                                             has /tool_name "order_lookup", but "search"
    //                                             was expected
}
// [end]

// Keeps the explanation quoted above true.
TEST_F(ToolCall, ExplanationQuotedInTheReadme) {
    testing::StringMatchResultListener listener;
    EXPECT_FALSE(testing::ExplainMatchResult(
        EventWithData("tool_executing", {{"tool_name", "search"}}), RunGoldenPath(), &listener));
    EXPECT_EQ(listener.str(),
              "whose closest event #3 tool_executing has /tool_name \"order_lookup\", but "
              "\"search\" was expected");
}
