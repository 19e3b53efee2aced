// StagingTest's SetUp decisions: skip, fail or run, from the environment it reads.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/fixtures/fake_environment.hpp"
#include "goldenpath/fixtures/staging_test.hpp"
#include "goldenpath/load_summary.hpp"
#include "goldenpath/timeout_scale.hpp"

namespace goldenpath {
namespace {

using testing::HasSubstr;
using testing::TestPartResult;

// A StagingTest whose SetUp can be called directly, over a fixed environment.
class StagingTestUnderTest : public fixtures::StagingTest {
  public:
    explicit StagingTestUnderTest(fixtures::EnvironmentVariables variables)
        : variables_(std::move(variables)) {}
    void TestBody() override {}
    using fixtures::StagingTest::Connect;
    using fixtures::StagingTest::SetUp;

  protected:
    EnvironmentLookup environment() override { return fixtures::FakeEnvironment(variables_); }

  private:
    fixtures::EnvironmentVariables variables_;
};

// What SetUp of `test` reported, caught instead of reported.
struct Reported {
    TestPartResult::Type type;
    std::string message;
};
std::vector<Reported> set_up_with_test(StagingTestUnderTest& test) {
    testing::TestPartResultArray results;
    {
        const testing::ScopedFakeTestPartResultReporter reporter(
            testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
        test.SetUp();
    }
    std::vector<Reported> reported;
    for (int i = 0; i < results.size(); ++i) {
        const TestPartResult& result = results.GetTestPartResult(i);
        reported.push_back(Reported{result.type(), result.message()});
    }
    return reported;
}

std::vector<Reported> set_up_with(fixtures::EnvironmentVariables variables) {
    StagingTestUnderTest test(std::move(variables));
    return set_up_with_test(test);
}

TEST(StagingTestSetUpTest, UnsetUrlSkipsNamingTheVariables) {
    const auto results = set_up_with({});
    ASSERT_EQ(results.size(), 1U);
    EXPECT_EQ(results[0].type, TestPartResult::kSkip);
    EXPECT_THAT(results[0].message, HasSubstr("GOLDENPATH_STAGING_URL"));
}

TEST(StagingTestSetUpTest, EmptyUrlFailsNamingTheVariable) {
    for (const std::string empty : {"", "  "}) {
        const auto results = set_up_with({{"GOLDENPATH_STAGING_URL", empty}});
        ASSERT_EQ(results.size(), 1U) << "\"" << empty << "\"";
        EXPECT_EQ(results[0].type, TestPartResult::kFatalFailure)
            << "\"" << empty << "\" skipped instead of failing";
        EXPECT_THAT(results[0].message,
                    HasSubstr("(GOLDENPATH_STAGING_URL) must be a ws:// or wss:// URL, but is set "
                              "and empty"));
    }
}

TEST(StagingTestSetUpTest, ConfiguredUrlRuns) {
    EXPECT_EQ(set_up_with({{"GOLDENPATH_STAGING_URL", "ws://127.0.0.1:1/ws"}}).size(), 0U);
}

TEST(StagingTestConnectTest, UsesTheFallbackUrlWhenThePrimaryAnswers404) {
    AgentServerDoubleOptions broken_options;
    broken_options.reject_upgrade_status = 404;
    const AgentServerDouble broken(broken_options);
    const AgentServerDouble healthy;
    StagingTestUnderTest test(
        {{"GOLDENPATH_STAGING_URL", broken.url()}, {"GOLDENPATH_FALLBACK_URLS", healthy.url()}});
    ASSERT_EQ(set_up_with_test(test).size(), 0U);
    const auto connection = test.Connect();
    ASSERT_TRUE(connection.client) << connection.failure->to_string();
    EXPECT_TRUE(healthy.wait_for_connections(1, Clock::now() + scaled(Milliseconds{1000})));
    connection.client->close(1000, "done", Clock::now() + scaled(Milliseconds{1000}));
}

TEST(StagingTestConnectTest, ListsEveryAttemptWhenNoUrlConnects) {
    AgentServerDoubleOptions broken_options;
    broken_options.reject_upgrade_status = 404;
    const AgentServerDouble first(broken_options);
    const AgentServerDouble second(broken_options);
    StagingTestUnderTest test(
        {{"GOLDENPATH_STAGING_URL", first.url()}, {"GOLDENPATH_FALLBACK_URLS", second.url()}});
    ASSERT_EQ(set_up_with_test(test).size(), 0U);
    const auto connection = test.Connect();
    ASSERT_FALSE(connection.client);
    ASSERT_TRUE(connection.failure);
    EXPECT_EQ(connection.failure->kind, FailureKind::http_status);
    EXPECT_EQ(connection.failure->attempts.size(), 2U) << connection.failure->to_string();
}

TEST(StagingSlaTest, DefaultsToEverySuccessWithinTheCompletionDeadline) {
    EndpointConfig config;
    config.timeouts.completion = Milliseconds{7000};
    const LoadSettings load;
    EXPECT_THAT(fixtures::staging_sla(load, config),
                testing::ElementsAre("success>=100%", "max.completion<7000ms"));
    EXPECT_EQ(fixtures::describe_staging_sla(load, config),
              "SLA checked: success>=100%; max.completion<7000ms (default: GOLDENPATH_SLA is "
              "unset)");
    for (const auto& expression : fixtures::staging_sla(load, config)) {
        EXPECT_NO_THROW(SlaExpression::parse(expression.text, "GOLDENPATH_SLA")) << expression;
    }
}

TEST(StagingSlaTest, GivenSlaIsCheckedAsGiven) {
    const EndpointConfig config;
    LoadSettings load;
    load.sla = {"p95.completion<500ms"};
    EXPECT_THAT(fixtures::staging_sla(load, config), testing::ElementsAre("p95.completion<500ms"));
    EXPECT_EQ(fixtures::describe_staging_sla(load, config), "SLA checked: p95.completion<500ms");
}

}  // namespace
}  // namespace goldenpath
