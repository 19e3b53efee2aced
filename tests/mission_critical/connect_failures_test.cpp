// Failures before the first event: refused, 404 on upgrade, auth, DNS, retries and fallbacks.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/timeout_scale.hpp"
#include "transport_test_support.hpp"

namespace goldenpath {
namespace {

using fixtures::FailsWith;
using fixtures::FollowsGoldenPath;
using testing::HasSubstr;
using testing::SizeIs;

JourneyOptions options_for(const std::string& url) {
    JourneyOptions options;
    options.config.url = Url::parse(url);
    options.config.timeouts.connect = Milliseconds(300);
    options.config.timeouts.upgrade = Milliseconds(300);
    options.config.timeouts.ready = Milliseconds(300);
    options.config.timeouts.first_event = Milliseconds(300);
    options.config.timeouts.completion = Milliseconds(2000);
    options.config.retry.max_attempts = 1;
    options.config.retry.initial_backoff = Milliseconds(1);
    options.config.retry.jitter = 0;
    return options;
}

TEST(ConnectFailureTest, ClosedPortIsRefusedWithinOneSecondNamingTheUrl) {
    const std::string url = fmt::format("ws://127.0.0.1:{}/ws", test::unused_port());
    const auto started = Clock::now();
    const auto result = GoldenPathJourney(options_for(url)).run();

    EXPECT_LT(elapsed_ms(started, Clock::now()), 1000.0 * timeout_scale());
    EXPECT_THAT(result, FailsWith(FailureKind::refused, "refused"));
    ASSERT_TRUE(result.failure);
    EXPECT_THAT(result.failure->to_string(), HasSubstr(url));
    EXPECT_THAT(result.failure->attempts, SizeIs(1));
}

TEST(ConnectFailureTest, RetriesListEveryAttemptWithItsTiming) {
    const std::string url = fmt::format("ws://127.0.0.1:{}/ws", test::unused_port());
    auto options = options_for(url);
    options.config.retry.max_attempts = 3;
    const auto result = GoldenPathJourney(std::move(options)).run();

    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->kind, FailureKind::refused);
    ASSERT_THAT(result.failure->attempts, SizeIs(3));
    for (const auto& attempt : result.failure->attempts) {
        EXPECT_EQ(attempt.kind_label, "refused");
        EXPECT_EQ(attempt.url, url);
        EXPECT_GE(attempt.elapsed_ms, 0.0);
    }
    EXPECT_THAT(result.failure->to_string(), HasSubstr("3 attempts"));
}

TEST(ConnectFailureTest, UpgradeRejectedWith404IsHttpStatusNotRetried) {
    AgentServerDoubleOptions server_options;
    server_options.reject_upgrade_status = 404;
    AgentServerDouble server(std::move(server_options));
    auto options = options_for(server.url());
    options.config.retry.max_attempts = 3;

    const auto result = GoldenPathJourney(std::move(options)).run();

    EXPECT_THAT(result, FailsWith(FailureKind::http_status, "http_status(404)"));
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->http_status, 404);
    EXPECT_THAT(result.failure->attempts, SizeIs(1));  // 4xx is not retried on the same URL
    EXPECT_THAT(result.failure->to_string(), HasSubstr(server.url()));
    EXPECT_EQ(server.connections().size(), 1u);
}

TEST(ConnectFailureTest, FallbackUrlIsTriedAfterA404) {
    AgentServerDoubleOptions broken_options;
    broken_options.reject_upgrade_status = 404;
    AgentServerDouble broken(std::move(broken_options));
    AgentServerDouble healthy;
    auto options = options_for(broken.url());
    options.config.fallback_urls = {Url::parse(healthy.url())};

    const auto result = GoldenPathJourney(std::move(options)).run();

    EXPECT_THAT(result, FollowsGoldenPath());
    EXPECT_EQ(result.url, healthy.url());
}

TEST(ConnectFailureTest, MissingTokenIsAuthRejectedNotRetried) {
    AgentServerDoubleOptions server_options;
    server_options.tokens = {"tok-required"};
    AgentServerDouble server(std::move(server_options));
    auto options = options_for(server.url());
    options.config.retry.max_attempts = 3;

    const auto result = GoldenPathJourney(std::move(options)).run();

    EXPECT_THAT(result, FailsWith(FailureKind::auth_rejected));
    ASSERT_TRUE(result.failure);
    EXPECT_THAT(result.failure->attempts, SizeIs(1));
}

TEST(ConnectFailureTest, UnknownHostIsDnsWithoutRealLookup) {
    auto resolver = std::make_shared<StaticResolver>();
    auto options = options_for("ws://agents.staging.invalid:8080/ws");
    options.resolver = resolver;
    const auto result = GoldenPathJourney(std::move(options)).run();
    EXPECT_THAT(result, FailsWith(FailureKind::dns, "dns"));
}

TEST(ConnectFailureTest, NameResolvedByInjectedResolverConnects) {
    AgentServerDouble server;
    auto resolver = std::make_shared<StaticResolver>();
    resolver->add("agents.test", {"127.0.0.1"});
    auto options = options_for(fmt::format("ws://agents.test:{}/ws", server.port()));
    options.resolver = resolver;
    EXPECT_THAT(GoldenPathJourney(std::move(options)).run(), FollowsGoldenPath());
}

TEST(ConnectFailureTest, ServerThatNeverSendsReadyIsTimeoutReady) {
    AgentServerDoubleOptions server_options;
    server_options.send_connection_established = false;
    AgentServerDouble server(std::move(server_options));
    JourneyOptions options = options_for(server.url());
    options.config.timeouts.ready = Milliseconds(150);  // waited out: the ready event never comes
    const auto started = Clock::now();
    const auto result = GoldenPathJourney(std::move(options)).run();
    EXPECT_THAT(result, FailsWith(FailureKind::timeout, "timeout(ready)"));
    EXPECT_LT(elapsed_ms(started, Clock::now()), 150.0 + (250.0 + 300.0) * timeout_scale());
}

}  // namespace
}  // namespace goldenpath
