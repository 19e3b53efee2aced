// docs/ag-ui.md example: the staging fixture against an AG-UI endpoint. CMake runs it with the
// label `staging`: unconfigured it skips; GOLDENPATH_PROFILE chooses the protocol.
// [readme:ag_ui_staging]
#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/fixtures/staging_test.hpp"

// GOLDENPATH_STAGING_URL=https://agent.example/agent GOLDENPATH_PROFILE=ag-ui GOLDENPATH_TOKEN=...
// POSTs a RunAgentInput and judges the event stream that answers it.
class ReadmeStagingAgUi : public goldenpath::fixtures::StagingTest {};

TEST_F(ReadmeStagingAgUi, RunFinishesWithEveryToolCallAndMessageClosed) {
    const goldenpath::JourneyResult result = RunGoldenPath();
    EXPECT_THAT(result, goldenpath::fixtures::FollowsGoldenPath());
    EXPECT_FALSE(result.failure) << result.to_string();
}
// [end]
