// The smallest real use of the package: a double, one journey, the matcher. Shared by the three
// consumption checks (find_package, add_subdirectory, FetchContent).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/matchers.hpp"

class PackageConsumerTest : public goldenpath::fixtures::AgentServerDoubleTest {};

TEST_F(PackageConsumerTest, GoldenPathAgainstTheDouble) {
    EXPECT_THAT(RunGoldenPath(), goldenpath::fixtures::FollowsGoldenPath());
}

TEST_F(PackageConsumerTest, BrokenStreamIsCaught) {
    auto options = server_options();
    options.script = goldenpath::Script::golden_path().swap_events(2, 3);
    RestartServer(std::move(options));
    EXPECT_THAT(RunGoldenPath(),
                goldenpath::fixtures::FailsWith(goldenpath::FailureKind::protocol_violation,
                                                "protocol_violation(unmatched_tool_completed)"));
}
