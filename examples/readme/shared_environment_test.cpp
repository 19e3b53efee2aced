// README example: one AgentServerDouble shared by every test of a binary.
// [readme:shared_environment]
#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/fixtures/shared_agent_server_double.hpp"

using goldenpath::fixtures::FollowsGoldenPath;
using goldenpath::fixtures::SharedAgentServerDoubleEnvironment;

// Registered while the program starts, before gmock_main's main() runs the tests; with a main()
// of your own, call Register() there before RUN_ALL_TESTS().
SharedAgentServerDoubleEnvironment* const shared_double =
    SharedAgentServerDoubleEnvironment::Register();

TEST(SharedDouble, ServesEveryTestOfTheBinary) {
    EXPECT_THAT(shared_double->RunGoldenPath(), FollowsGoldenPath());
    EXPECT_THAT(shared_double->RunGoldenPath(), FollowsGoldenPath());
}
// [end]
