#include "goldenpath/timeout_scale.hpp"

#include <cstdlib>
#include <optional>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/config_error.hpp"
#include "goldenpath/endpoint_config.hpp"
#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/fake_environment.hpp"
#include "goldenpath/websocket_client.hpp"
#include "scoped_timeout_scale.hpp"

namespace goldenpath {
namespace {

using test::ScopedTimeoutScale;
using testing::HasSubstr;

TEST(TimeoutScaleTest, ParsesPositiveDecimalsUpToOneHundred) {
    EXPECT_DOUBLE_EQ(parse_timeout_scale("1"), 1.0);
    EXPECT_DOUBLE_EQ(parse_timeout_scale("3"), 3.0);
    EXPECT_DOUBLE_EQ(parse_timeout_scale("1.5"), 1.5);
    EXPECT_DOUBLE_EQ(parse_timeout_scale("0.5"), 0.5);
    EXPECT_DOUBLE_EQ(parse_timeout_scale("100"), 100.0);
}

TEST(TimeoutScaleTest, RejectsEverythingElseNamingTheVariableAndTheValue) {
    for (const std::string bad : {"", "0", "0.0", "-1", "abc", "inf", "nan", "1e3", "101", "1e400",
                                  "3x", " 3", "3 ", "+2", "1..5", "."}) {
        try {
            parse_timeout_scale(bad);
            ADD_FAILURE() << "accepted \"" << bad << "\"";
        } catch (const ConfigError& error) {
            EXPECT_EQ(error.field(), "GOLDENPATH_TIMEOUT_SCALE");
            EXPECT_EQ(error.actual(), "\"" + bad + "\"");
            EXPECT_THAT(error.what(),
                        HasSubstr("[goldenpath.env] (GOLDENPATH_TIMEOUT_SCALE) must be "
                                  "a positive decimal number up to 100"));
        }
    }
}

TEST(TimeoutScaleTest, UnsetMeansOne) {
    const ScopedTimeoutScale scale(std::nullopt);
    EXPECT_DOUBLE_EQ(timeout_scale(), 1.0);
    EXPECT_EQ(scaled(Milliseconds{300}), Milliseconds{300});
    EXPECT_EQ(Timeouts{}.connect, Milliseconds{1000});
}

TEST(TimeoutScaleTest, SetButBadIsAConfigErrorWhereverADefaultIsMade) {
    const ScopedTimeoutScale scale(std::string(""));
    EXPECT_THROW(timeout_scale(), ConfigError);
    EXPECT_THROW(Timeouts{}, ConfigError);
    EXPECT_THROW(static_cast<void>(EndpointConfig{}), ConfigError);
}

TEST(TimeoutScaleTest, MultipliesEveryDefaultDeadline) {
    const ScopedTimeoutScale scale(std::string("3"));
    EXPECT_EQ(scaled(Milliseconds{300}), Milliseconds{900});
    EXPECT_EQ(scaled(Milliseconds{0}), Milliseconds{0});

    const Timeouts development;
    EXPECT_EQ(development.connect, Milliseconds{3000});
    EXPECT_EQ(development.tls, Milliseconds{3000});
    EXPECT_EQ(development.upgrade, Milliseconds{3000});
    EXPECT_EQ(development.ready, Milliseconds{3000});
    EXPECT_EQ(development.first_event, Milliseconds{6000});
    EXPECT_EQ(development.completion, Milliseconds{30000});
    EXPECT_EQ(development.max_gap, Milliseconds{15000});
    EXPECT_EQ(development.close, Milliseconds{1500});
    EXPECT_EQ(development.linger, Milliseconds{0});
    EXPECT_EQ(Timeouts::defaults_for(DeploymentEnvironment::development), development);

    const Timeouts staging = Timeouts::defaults_for(DeploymentEnvironment::staging);
    EXPECT_EQ(staging.upgrade, Milliseconds{15000});
    EXPECT_EQ(staging.completion, Milliseconds{90000});
    EXPECT_EQ(Timeouts::defaults_for(DeploymentEnvironment::production).completion,
              Milliseconds{180000});

    EXPECT_EQ(RetryPolicy{}.overall_deadline, Milliseconds{30000});
    EXPECT_EQ(RetryPolicy::defaults_for(DeploymentEnvironment::staging).overall_deadline,
              Milliseconds{90000});
    EXPECT_EQ(ConnectRequest{}.timeouts.upgrade, Milliseconds{3000});
    EXPECT_EQ(EndpointConfig{}.timeouts.connect, Milliseconds{3000});
}

TEST(TimeoutScaleTest, LeavesDeadlinesAUserGaveAlone) {
    const ScopedTimeoutScale scale(std::string("3"));
    const EndpointConfig config = EndpointConfig::from_environment(fixtures::FakeEnvironment(
        {{"GOLDENPATH_STAGING_URL", "ws://127.0.0.1:1/ws"}, {"GOLDENPATH_TIMEOUT_MS", "700"}}));
    EXPECT_EQ(config.timeouts.completion, Milliseconds{700});
    EXPECT_EQ(config.timeouts.connect, Milliseconds{3000});  // not given: the scaled default

    Timeouts timeouts;
    timeouts.upgrade = Milliseconds{250};
    EXPECT_EQ(timeouts.upgrade, Milliseconds{250});
}

TEST(TimeoutScaleTest, ScalesTheFixtureDeadlines) {
    const AgentServerDouble server;
    const Timeouts unscaled = [&] {
        const ScopedTimeoutScale scale(std::nullopt);
        return fixtures::test_journey_options(server).config.timeouts;
    }();
    const ScopedTimeoutScale scale(std::string("2.5"));
    const Timeouts timeouts = fixtures::test_journey_options(server).config.timeouts;
    EXPECT_EQ(unscaled.upgrade, Milliseconds{300});
    EXPECT_EQ(timeouts.upgrade, Milliseconds{750});
    EXPECT_EQ(timeouts.connect, Milliseconds{750});
    EXPECT_EQ(timeouts.completion, Milliseconds{5000});
}

}  // namespace
}  // namespace goldenpath
