// BeastClient and GoldenPathJourney through an HTTP CONNECT proxy (ConnectProxyDouble).
#include <memory>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connect_proxy_double.hpp"
#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/beast_client.hpp"
#include "goldenpath/endpoint_config.hpp"
#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/fake_environment.hpp"
#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/host_resolver.hpp"
#include "goldenpath/timeout_scale.hpp"
#include "transport_test_support.hpp"

namespace goldenpath {
namespace {

using fixtures::FailsWith;
using fixtures::FollowsGoldenPath;
using test::ConnectProxyDouble;
using test::ProxyAnswer;
using test::ProxyScript;
using testing::Each;
using testing::Field;
using testing::HasSubstr;
using testing::Not;
using testing::SizeIs;

constexpr const char* kToken = "tok-proxy-secret-77";

// The double's journey options (300 ms deadlines, one attempt) through `proxy`.
JourneyOptions through_proxy(const AgentServerDouble& server, const std::string& proxy) {
    JourneyOptions options = fixtures::test_journey_options(server);
    options.config.proxy = parse_proxy_url(proxy, "/proxy");
    return options;
}

std::string connect_line(const AgentServerDouble& server) {
    return "CONNECT 127.0.0.1:" + std::to_string(server.port()) + " HTTP/1.1";
}

AgentServerDoubleOptions tls_server() {
    AgentServerDoubleOptions options;
    options.tls = true;
    return options;
}

TEST(Proxy, GoldenPathOverWsGoesThroughTheTunnelAndTheTokenStaysOffTheProxy) {
    AgentServerDoubleOptions server_options;
    server_options.tokens = {kToken};
    const AgentServerDouble server(std::move(server_options));
    const ConnectProxyDouble proxy;
    auto options = through_proxy(server, proxy.url());
    options.config.tokens = {Secret(kToken)};

    const JourneyResult result = GoldenPathJourney(std::move(options)).run();

    EXPECT_THAT(result, FollowsGoldenPath());
    const auto requests = proxy.requests();
    ASSERT_THAT(requests, SizeIs(1)) << "the proxy should have seen exactly one CONNECT";
    EXPECT_EQ(requests[0].request_line, connect_line(server));
    EXPECT_EQ(requests[0].header("Host"), "127.0.0.1:" + std::to_string(server.port()));
    for (const auto& [name, value] : requests[0].headers) {
        EXPECT_THAT(value, Not(HasSubstr(kToken))) << "header " << name << " leaks the token";
    }
    const auto connections = server.connections();
    ASSERT_THAT(connections, SizeIs(1));
    EXPECT_EQ(connections[0].header("Authorization"), std::string("Bearer ") + kToken);
}

TEST(Proxy, GoldenPathOverWssRunsTlsInsideTheTunnel) {
    const AgentServerDouble server(tls_server());
    const ConnectProxyDouble proxy;

    const JourneyResult result = GoldenPathJourney(through_proxy(server, proxy.url())).run();

    EXPECT_THAT(result, FollowsGoldenPath());
    const auto requests = proxy.requests();
    ASSERT_THAT(requests, SizeIs(1));
    EXPECT_EQ(requests[0].request_line, connect_line(server));
    EXPECT_THAT(server.connections(), SizeIs(1));
}

TEST(Proxy, TheProxyResolvesTheTargetNameNotTheClient) {
    // No name resolves through this resolver: a dns failure would mean the client looked up
    // the target. The double refuses non-loopback targets with 403.
    BeastClient client(std::make_shared<StaticResolver>());
    const ConnectProxyDouble proxy;
    ConnectRequest request = test::request_for("ws://agents.invalid:8080/ws");
    request.proxy = parse_proxy_url(proxy.url(), "/proxy");

    const auto failure = client.connect(request);

    ASSERT_TRUE(failure) << "a 403 from the proxy must fail the connect";
    EXPECT_EQ(failure->kind_label(), "http_status(403)") << failure->to_string();
    EXPECT_EQ(failure->phase, Phase::connect);
    const auto requests = proxy.requests();
    ASSERT_THAT(requests, SizeIs(1));
    EXPECT_EQ(requests[0].request_line, "CONNECT agents.invalid:8080 HTTP/1.1");
    EXPECT_EQ(requests[0].header("Host"), "agents.invalid:8080");
}

TEST(Proxy, Ipv6TargetIsBracketedInTheConnectLineAndHost) {
    BeastClient client;
    const ConnectProxyDouble proxy;
    const std::string authority = "[::1]:" + std::to_string(test::unused_port());
    ConnectRequest request = test::request_for("ws://" + authority + "/ws");
    request.proxy = parse_proxy_url(proxy.url(), "/proxy");

    const auto failure = client.connect(request);

    // Nothing listens there, so the double answers 502 Bad Gateway.
    ASSERT_TRUE(failure) << "the proxy reaches no server at " << authority;
    EXPECT_EQ(failure->kind_label(), "http_status(502)") << failure->to_string();
    EXPECT_TRUE(failure->retryable);
    const auto requests = proxy.requests();
    ASSERT_THAT(requests, SizeIs(1));
    EXPECT_EQ(requests[0].request_line, "CONNECT " + authority + " HTTP/1.1");
    EXPECT_EQ(requests[0].header("Host"), authority);
}

TEST(Proxy, Answer407IsHttpStatusNamingTheProxyAndNotRetried) {
    const AgentServerDouble server;
    const ConnectProxyDouble proxy(ProxyScript{ProxyAnswer::status, 407});
    auto options = through_proxy(server, proxy.url());
    options.config.retry.max_attempts = 3;
    options.config.retry.initial_backoff = Milliseconds(1);
    options.config.retry.jitter = 0;

    const JourneyResult result = GoldenPathJourney(std::move(options)).run();

    EXPECT_THAT(result, FailsWith(FailureKind::http_status, "http_status(407)"));
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->http_status, 407);
    EXPECT_EQ(result.failure->phase, Phase::connect);
    EXPECT_FALSE(result.failure->retryable);
    EXPECT_THAT(result.failure->attempts, SizeIs(1));
    EXPECT_THAT(result.failure->to_string(),
                HasSubstr("proxy " + proxy.url() +
                          " answered CONNECT with 407 Proxy Authentication Required"));
    EXPECT_EQ(proxy.connections(), 1U);
    EXPECT_THAT(server.connections(), SizeIs(0));
}

TEST(Proxy, Answer502IsRetriedPerPolicyThenHttpStatusListingEveryAttempt) {
    const AgentServerDouble server;
    const ConnectProxyDouble proxy(ProxyScript{ProxyAnswer::status, 502});
    auto options = through_proxy(server, proxy.url());
    options.config.retry.max_attempts = 3;
    options.config.retry.initial_backoff = Milliseconds(1);
    options.config.retry.jitter = 0;

    const JourneyResult result = GoldenPathJourney(std::move(options)).run();

    EXPECT_THAT(result, FailsWith(FailureKind::http_status, "http_status(502)"));
    ASSERT_TRUE(result.failure);
    EXPECT_TRUE(result.failure->retryable);
    ASSERT_THAT(result.failure->attempts, SizeIs(3));
    EXPECT_THAT(result.failure->attempts,
                Each(Field(&Attempt::kind_label, std::string("http_status(502)"))));
    EXPECT_THAT(result.failure->to_string(), HasSubstr("3 attempts"));
    EXPECT_THAT(result.failure->to_string(), HasSubstr("proxy " + proxy.url()));
    EXPECT_EQ(proxy.connections(), 3U);
}

TEST(Proxy, ClosedProxyPortIsRefusedNamingTheProxy) {
    const AgentServerDouble server;
    const std::string proxy_url = "http://127.0.0.1:" + std::to_string(test::unused_port());
    const auto started = Clock::now();

    const JourneyResult result = GoldenPathJourney(through_proxy(server, proxy_url)).run();

    EXPECT_LT(elapsed_ms(started, Clock::now()), 1000.0 * timeout_scale());
    EXPECT_THAT(result, FailsWith(FailureKind::refused, "refused"));
    ASSERT_TRUE(result.failure);
    EXPECT_THAT(result.failure->to_string(), HasSubstr("proxy " + proxy_url));
    EXPECT_THAT(server.connections(), SizeIs(0));
}

TEST(Proxy, ProxyThatNeverAnswersIsConnectTimeoutWithinTheDeadline) {
    const AgentServerDouble server;
    const ConnectProxyDouble proxy(ProxyScript{ProxyAnswer::never});
    auto options = through_proxy(server, proxy.url());
    options.config.timeouts.connect = Milliseconds(200);
    const auto started = Clock::now();

    const JourneyResult result = GoldenPathJourney(std::move(options)).run();

    const double elapsed = elapsed_ms(started, Clock::now());
    EXPECT_THAT(result, FailsWith(FailureKind::timeout, "timeout(connect)"));
    EXPECT_GE(elapsed, 200.0) << "the connect deadline is 200 ms";
    EXPECT_LT(elapsed, 200.0 + 250.0 * timeout_scale()) << "the connect deadline is 200 ms";
    ASSERT_TRUE(result.failure);
    EXPECT_THAT(result.failure->to_string(), HasSubstr("proxy " + proxy.url()));
    EXPECT_THAT(proxy.requests(), SizeIs(1)) << "the proxy should have read the CONNECT";
}

TEST(Proxy, ProxyClosingBeforeItAnswersIsClosed1006NamingTheProxy) {
    const AgentServerDouble server;
    const ConnectProxyDouble proxy(ProxyScript{ProxyAnswer::close});

    const JourneyResult result = GoldenPathJourney(through_proxy(server, proxy.url())).run();

    EXPECT_THAT(result, FailsWith(FailureKind::closed, "closed(1006)"));
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->phase, Phase::connect);
    EXPECT_THAT(result.failure->to_string(),
                HasSubstr("proxy " + proxy.url() + " closed the connection before it answered"));
}

TEST(Proxy, NoProxyBypassReachesTheServerDirectly) {
    const AgentServerDouble server;
    const ConnectProxyDouble proxy;
    auto options = through_proxy(server, proxy.url());
    options.config.no_proxy = {"127.0.0.1"};

    const JourneyResult result = GoldenPathJourney(std::move(options)).run();

    EXPECT_THAT(result, FollowsGoldenPath());
    EXPECT_EQ(proxy.connections(), 0U) << "a bypassed target must not go through the proxy";
    EXPECT_THAT(proxy.requests(), SizeIs(0));
    EXPECT_THAT(server.connections(), SizeIs(1));
}

TEST(Proxy, HttpProxyVariableOfTheEnvironmentIsUsedForWsUrls) {
    const AgentServerDouble server;
    const ConnectProxyDouble proxy;
    auto options = fixtures::test_journey_options(server);
    const EndpointConfig from_environment = EndpointConfig::from_environment(
        fixtures::FakeEnvironment({{"GOLDENPATH_STAGING_URL", server.url()},
                                   {"http_proxy", proxy.url()},
                                   {"https_proxy", "http://127.0.0.1:1"}}));
    options.config.proxy = from_environment.proxy;
    options.config.no_proxy = from_environment.no_proxy;

    const JourneyResult result = GoldenPathJourney(std::move(options)).run();

    EXPECT_THAT(result, FollowsGoldenPath());
    const auto requests = proxy.requests();
    ASSERT_THAT(requests, SizeIs(1));
    EXPECT_EQ(requests[0].request_line, connect_line(server));
}

}  // namespace
}  // namespace goldenpath
