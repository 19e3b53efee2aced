// README example: StagingTest. CMake runs it with the label `staging`, not `unit`: unconfigured
// it skips, and configured it talks to a real endpoint.
// [readme:staging_test]
#include "goldenpath/fixtures/staging_test.hpp"
#include "goldenpath/fixtures/matchers.hpp"

// Skipped (one line naming the variables) unless GOLDENPATH_STAGING_URL is set.
class ReadmeStaging : public goldenpath::fixtures::StagingTest {};

TEST_F(ReadmeStaging, GoldenPath) {
    EXPECT_THAT(RunGoldenPath(), goldenpath::fixtures::FollowsGoldenPath());
}
// [end]
