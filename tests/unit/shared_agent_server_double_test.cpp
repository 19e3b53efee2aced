// A binary of its own (own main): the shared double is registered for every test in the binary.
#include "goldenpath/fixtures/shared_agent_server_double.hpp"  // first: self-contained

#include <stdexcept>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/fixtures/matchers.hpp"

namespace goldenpath::fixtures {
namespace {

using testing::HasSubstr;

// Set by main() before RUN_ALL_TESTS; GoogleTest owns the environment.
SharedAgentServerDoubleEnvironment* shared_double = nullptr;

TEST(SharedAgentServerDoubleTest, IsRunningDuringEveryTest) {
    ASSERT_NE(shared_double, nullptr);
    ASSERT_TRUE(shared_double->running());
    EXPECT_NE(shared_double->server().port(), 0);
    EXPECT_THAT(shared_double->RunGoldenPath(), FollowsGoldenPath());
}

TEST(SharedAgentServerDoubleTest, JourneysShareOneDouble) {
    ASSERT_NE(shared_double, nullptr);
    AgentServerDouble& server = shared_double->server();
    const auto port = server.port();
    const auto before = server.connections().size();
    EXPECT_THAT(shared_double->RunGoldenPath(), FollowsGoldenPath());
    EXPECT_THAT(shared_double->RunGoldenPath(), FollowsGoldenPath());
    EXPECT_EQ(&shared_double->server(), &server);
    EXPECT_EQ(shared_double->server().port(), port);
    EXPECT_EQ(server.connections().size(), before + 2);
}

TEST(SharedAgentServerDoubleTest, ServerOutsideSetUpAndTearDownIsALogicError) {
    SharedAgentServerDoubleEnvironment environment;
    EXPECT_FALSE(environment.running());
    try {
        environment.server();
        FAIL() << "expected std::logic_error before SetUp";
    } catch (const std::logic_error& error) {
        EXPECT_THAT(error.what(), HasSubstr("the shared double is not running"));
    }
}

TEST(SharedAgentServerDoubleTest, TearDownStopsTheDouble) {
    AgentServerDoubleOptions options;
    options.tokens = {"tok-shared-1"};
    SharedAgentServerDoubleEnvironment environment(options);
    environment.SetUp();
    ASSERT_TRUE(environment.running());
    auto journey = environment.journey_options();
    EXPECT_THAT(GoldenPathJourney(journey).run(), FollowsGoldenPath());  // the token is passed on
    environment.TearDown();
    EXPECT_FALSE(environment.running());
    EXPECT_THAT(GoldenPathJourney(journey).run(), FailsWith(FailureKind::refused));
}

}  // namespace
}  // namespace goldenpath::fixtures

int main(int argc, char** argv) {
    testing::InitGoogleMock(&argc, argv);
    goldenpath::fixtures::shared_double =
        goldenpath::fixtures::SharedAgentServerDoubleEnvironment::Register();
    return RUN_ALL_TESTS();
}
