// The staging suite: the golden path against a real endpoint named by GOLDENPATH_* variables.
// Unconfigured: every test skips with one line naming the variables. Configured but broken:
// every test fails with the classified failure; never a skip.
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/fixtures/staging_test.hpp"
#include "goldenpath/load_summary.hpp"

namespace goldenpath {
namespace {

using fixtures::FollowsGoldenPath;

class StagingGoldenPathTest : public fixtures::StagingTest {};

TEST_F(StagingGoldenPathTest, ConnectionAvailability) {
    const auto result = RunGoldenPath();
    // Connected means the upgrade succeeded; what happened after is the other tests' concern.
    EXPECT_TRUE(result.timings.connect_ms)
        << (result.failure ? result.failure->to_string() : result.to_string());
}

TEST_F(StagingGoldenPathTest, CompleteGoldenPathJourney) {
    EXPECT_THAT(RunGoldenPath(), FollowsGoldenPath());
}

TEST_F(StagingGoldenPathTest, MultiUserConcurrency) {
    const auto users = static_cast<std::size_t>(config().users > 1 ? config().users : 10);
    std::vector<JourneyResult> results(users);
    std::vector<std::thread> threads;
    for (std::size_t user = 0; user < users; ++user) {
        threads.emplace_back(
            [&, user] { results[user] = GoldenPathJourney(journey_options(user)).run(); });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    std::vector<JourneySample> samples;
    for (const auto& result : results) {
        samples.push_back(JourneySample::of(result));
    }
    const auto summary = LoadSummary::of(samples);
    EXPECT_EQ(summary.passed, users) << summary.to_string();
}

TEST_F(StagingGoldenPathTest, PerformanceSla) {
    std::vector<JourneySample> samples;
    for (int i = 0; i < 5; ++i) {
        samples.push_back(JourneySample::of(RunGoldenPath()));
    }
    const auto summary = LoadSummary::of(samples);
    ASSERT_EQ(summary.passed, summary.journeys) << summary.to_string();
    std::vector<SlaExpression> slas;
    for (const auto& text : config().sla) {
        slas.push_back(SlaExpression::parse(text, "GOLDENPATH_SLA"));
    }
    for (const auto& result : evaluate_slas(slas, summary)) {
        EXPECT_TRUE(result.held) << result.to_string(summary);
    }
}

}  // namespace
}  // namespace goldenpath
