// README example: FollowsGoldenPath with AgentServerDoubleTest. The text between the markers is
// what README.md shows, word for word (the readme_blocks_match test checks it).
// [readme:follows_golden_path]
#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/matchers.hpp"

class OrdersGoldenPath : public goldenpath::fixtures::AgentServerDoubleTest {};

TEST_F(OrdersGoldenPath, FiveEventsInOrder) {
    EXPECT_THAT(RunGoldenPath(), goldenpath::fixtures::FollowsGoldenPath());
}
// [end]
