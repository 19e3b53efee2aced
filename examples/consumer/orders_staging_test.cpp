// The same golden path against the real orders endpoint, when GOLDENPATH_STAGING_URL names it.
// Unconfigured it skips with a message; configured but broken it fails, never skips.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/config_error.hpp"
#include "goldenpath/fixtures/fake_environment.hpp"
#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/fixtures/staging_test.hpp"

namespace {

class OrdersStagingTest : public goldenpath::fixtures::StagingTest {};

TEST_F(OrdersStagingTest, GoldenPath) {
    EXPECT_THAT(RunGoldenPath(), goldenpath::fixtures::FollowsGoldenPath());
}

TEST(OrdersStagingConfigTest, MisconfigurationFailsInsteadOfSkipping) {
    // StagingTest fails (never skips) on exactly this error; FakeEnvironment keeps the process
    // environment untouched.
    EXPECT_THROW(
        goldenpath::EndpointConfig::from_environment(goldenpath::fixtures::FakeEnvironment(
            {{"GOLDENPATH_STAGING_URL", "ws://127.0.0.1:1/ws"}, {"GOLDENPATH_TIMEOUT_MS", "0"}})),
        goldenpath::ConfigError);
}

}  // namespace
