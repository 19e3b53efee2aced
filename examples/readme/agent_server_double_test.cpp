// README example: scripting AgentServerDoubleTest, FailsWith and ExpectFailure.
// [readme:agent_server_double_test]
#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/matchers.hpp"

using namespace goldenpath;
using namespace goldenpath::fixtures;

class SwappedToolEvents : public AgentServerDoubleTest {
  protected:
    AgentServerDoubleOptions server_options() override {
        AgentServerDoubleOptions options;
        options.script = Script::golden_path().swap_events(2, 3);  // completed before executing
        return options;
    }
};

TEST_F(SwappedToolEvents, AreAProtocolViolation) {
    EXPECT_THAT(RunGoldenPath(), FailsWith(FailureKind::protocol_violation,
                                           "protocol_violation(unmatched_tool_completed)"));
    ASSERT_EQ(server().connections().size(), 1u);  // the double records what it saw
}

TEST_F(SwappedToolEvents, RejectedUpgradeIsHttpStatus) {
    AgentServerDoubleOptions options;
    options.reject_upgrade_status = 404;
    RestartServer(options);
    ExpectFailure(FailureKind::http_status);
}
// [end]
