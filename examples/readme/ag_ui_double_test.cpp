// docs/ag-ui.md example: the server double speaking AG-UI over server-sent events.
// [readme:ag_ui_double]
#include <gtest/gtest.h>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/shipped_profiles.hpp"

// A tool call the agent never ends fails with the rule the probe names.
TEST(ReadmeAgUiDouble, ToolCallNeverEndedFails) {
    const goldenpath::ProtocolProfile ag_ui = *goldenpath::shipped_profile("ag-ui");
    goldenpath::AgentServerDoubleOptions options;
    options.profile = ag_ui;
    // RUN_STARTED, REASONING_START, REASONING_END, TOOL_CALL_START, TOOL_CALL_END, RUN_FINISHED
    options.script = goldenpath::Script::golden_path(ag_ui).drop_event(4);
    goldenpath::AgentServerDouble server(options);

    goldenpath::JourneyOptions journey;
    journey.profile = ag_ui;
    journey.config.url = goldenpath::Url::parse(server.event_stream_url());
    const goldenpath::JourneyResult result = goldenpath::GoldenPathJourney(journey).run();
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->rule, "tool_open_at_completion");
}
// [end]
