// README example: HasEventType.
// [readme:has_event_type]
#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/event_matchers.hpp"

using goldenpath::fixtures::HasEventType;
using testing::Not;

class ToolEvents : public goldenpath::fixtures::AgentServerDoubleTest {};

TEST_F(ToolEvents, AToolCompletedArrivesAndNoError) {
    const auto result = RunGoldenPath();
    EXPECT_THAT(result, HasEventType("tool_completed"));
    EXPECT_THAT(result, Not(HasEventType("agent_error")));
    // Failing, it says: ... which has no tool_completed; types seen: agent_started, agent_thinking
}
// [end]
