// The staging suite: the golden path against a real endpoint named by GOLDENPATH_* variables.
// Unconfigured: every test skips with one line naming the variables. Configured but broken:
// every test fails with the classified failure; never a skip.
#include <iostream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/event_sequence_verifier.hpp"
#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/fixtures/staging_test.hpp"
#include "goldenpath/load_run.hpp"
#include "goldenpath/load_summary.hpp"

namespace goldenpath {
namespace {

using fixtures::FailsWith;
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

TEST_F(StagingGoldenPathTest, AuthenticationAcceptedAndBadTokenRejected) {
    if (config().tokens.empty()) {
        GTEST_SKIP() << "no token configured (GOLDENPATH_TOKEN or GOLDENPATH_TOKEN_FILE): "
                        "the endpoint runs without auth";
    }
    EXPECT_THAT(RunGoldenPath(), FollowsGoldenPath());
    auto options = journey_options();
    options.config.tokens = {Secret("goldenpath-deliberately-invalid-token")};
    options.config.retry.max_attempts = 1;
    EXPECT_THAT(GoldenPathJourney(std::move(options)).run(), FailsWith(FailureKind::auth_rejected));
}

TEST_F(StagingGoldenPathTest, ReconnectAfterCloseRunsANewJourney) {
    // Each journey closes its connection; the next one must get a fresh, complete run.
    const auto first = RunGoldenPath();
    ASSERT_THAT(first, FollowsGoldenPath());
    const auto second = RunGoldenPath();
    EXPECT_THAT(second, FollowsGoldenPath());
    EXPECT_NE(first.run_id, second.run_id);
}

TEST_F(StagingGoldenPathTest, MessageRoutingTwoThreadsOnOneConnection) {
    if (config().url.event_stream()) {
        GTEST_SKIP() << "an http(s) event stream carries one run per request: two threads on one "
                        "connection is a WebSocket check";
    }
    const auto connection = Connect();  // fallback URLs and retries, as every journey
    ASSERT_TRUE(connection.client) << connection.failure->to_string();
    WebSocketClient& client = *connection.client;

    EventSequenceVerifier verifier(profile());
    const auto deadline = Clock::now() + config().timeouts.completion;
    for (const char* name : {"a", "b"}) {
        const std::string thread = std::string("routing-thread-") + name;
        const std::string run = std::string("routing-run-") + name;
        const auto sent = client.send_text(profile().start_message("Two threads", thread, run));
        ASSERT_FALSE(sent) << sent->to_string();
        verifier.start_run(thread, run);
    }
    std::size_t frames = 0;
    while (!verifier.all_finished()) {
        const auto received = client.receive(deadline);
        if (received.status != ReceiveResult::Status::frame) {
            verifier.end_of_stream("stream ended before both runs completed");
            break;
        }
        auto parsed = parse_event(received.frame.text, profile(), received.frame.arrival, frames++);
        ASSERT_TRUE(std::holds_alternative<Event>(parsed))
            << std::get<EventParseError>(parsed).reason;
        verifier.feed(std::get<Event>(parsed));
    }
    client.close(1000, "routing test done", Clock::now() + config().timeouts.close);

    const auto overall = verifier.verdict();
    EXPECT_FALSE(overall.violation) << overall.violation->message << "\n"
                                    << format_timeline(overall.timeline);
    EXPECT_TRUE(verifier.verdict(0).passed()) << verifier.verdict(0).to_string();
    EXPECT_TRUE(verifier.verdict(1).passed()) << verifier.verdict(1).to_string();
}

TEST_F(StagingGoldenPathTest, MultiUserConcurrency) {
    // All users at once on the asynchronous core (no thread per user), as the probe runs them.
    LoadRunOptions options;
    options.config = config();
    options.users = load_settings().users > 1 ? load_settings().users : 10;
    // The SLA (options.sla, empty here) is PerformanceSla's concern.
    options.profile = profile();
    const std::size_t users = options.users;
    const LoadReport report = LoadRun(std::move(options)).run();
    std::cout << report.to_string() << "\n";
    EXPECT_EQ(report.summary.journeys, users) << report.to_string();
    EXPECT_EQ(report.summary.passed, users) << report.to_string();
    EXPECT_EQ(report.isolation.count, 0U) << report.isolation.to_string();
}

TEST_F(StagingGoldenPathTest, PerformanceSla) {
    std::vector<JourneySample> samples;
    for (int i = 0; i < 5; ++i) {
        samples.push_back(JourneySample::of(RunGoldenPath()));
    }
    const auto summary = LoadSummary::of(samples);
    ASSERT_EQ(summary.passed, summary.journeys) << summary.to_string();
    const std::vector<SlaExpression> slas = fixtures::staging_sla(load_settings(), config());
    std::cout << fixtures::describe_staging_sla(load_settings(), config()) << "\n";
    RecordProperty("sla", fixtures::describe_staging_sla(load_settings(), config()));
    ASSERT_FALSE(slas.empty());
    for (const auto& result : evaluate_slas(slas, summary)) {
        EXPECT_TRUE(result.held) << result.to_string(summary);
    }
}

}  // namespace
}  // namespace goldenpath
