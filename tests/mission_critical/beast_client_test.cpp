// BeastClient against the in-process AgentServerDouble over real loopback sockets.
#include "goldenpath/beast_client.hpp"
#include "goldenpath/version.hpp"  // first: the header is self-contained

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/host_resolver.hpp"
#include "goldenpath/protocol_profile.hpp"
#include "goldenpath/script.hpp"
#include "goldenpath/timeout_scale.hpp"
#include "goldenpath/url.hpp"
#include "transport_test_support.hpp"

namespace goldenpath {
namespace {

using namespace std::chrono_literals;
using namespace goldenpath::test;
using testing::HasSubstr;
using testing::Not;

// Records every name it is asked for, then answers from a static table.
class RecordingResolver : public HostResolver {
  public:
    explicit RecordingResolver(StaticResolver table) : table_(std::move(table)) {}
    std::variant<std::vector<std::string>, ResolveError> resolve(std::string_view host) override {
        calls.emplace_back(host);
        return table_.resolve(host);
    }
    std::vector<std::string> calls;

  private:
    StaticResolver table_;
};

TEST(BeastClient, ReceivesConnectionEstablishedThenTheFiveGoldenPathEventsWithTheRunIds) {
    const AgentServerDouble server;
    BeastClient client;
    ASSERT_TRUE(ok(client.connect(request_for(server.url()))));

    const auto ready = receive_json(client);
    EXPECT_EQ(ready.value("type", ""), "connection_established");
    EXPECT_EQ(ready["data"].value("connection_id", ""), "conn-1");

    const auto profile = default_profile();
    ASSERT_TRUE(
        ok(client.send_text(profile.start_message("Where is my order?", "thread-7", "run-7"))));
    const std::vector<std::string> expected = {"agent_started", "agent_thinking", "tool_executing",
                                               "tool_completed", "agent_completed"};
    for (const auto& type : expected) {
        const auto event = receive_json(client);
        EXPECT_EQ(event.value("type", ""), type);
        EXPECT_EQ(event.value("run_id", ""), "run-7") << event.dump();
        EXPECT_EQ(event.value("thread_id", ""), "thread-7") << event.dump();
    }
    EXPECT_TRUE(client.close(1000, "done", Clock::now() + kWait).empty());
}

TEST(BeastClient, NothingListeningIsRefusedQuicklyWithOneAttempt) {
    const std::string url = "ws://127.0.0.1:" + std::to_string(unused_port()) + "/ws";
    BeastClient client;
    const auto started = Clock::now();
    const auto failure = client.connect(request_for(url));
    const auto took = Clock::now() - started;

    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(failure->kind, FailureKind::refused) << failure->to_string();
    EXPECT_EQ(failure->phase, Phase::connect);
    EXPECT_TRUE(failure->retryable);
    EXPECT_LT(took, scaled(Milliseconds{1000}));
    ASSERT_EQ(failure->attempts.size(), 1U);
    EXPECT_EQ(failure->attempts[0].kind_label, "refused");
    EXPECT_EQ(failure->attempts[0].url, url);
    EXPECT_EQ(failure->url, url);
    EXPECT_THAT(failure->to_string(), HasSubstr(url));
}

TEST(BeastClient, WrongPathIsHttpStatus404WithTheBodyExcerpt) {
    const AgentServerDouble server;
    BeastClient client;
    const auto failure =
        client.connect(request_for("ws://127.0.0.1:" + std::to_string(server.port()) + "/nope"));
    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(failure->kind, FailureKind::http_status) << failure->to_string();
    EXPECT_EQ(failure->phase, Phase::upgrade);
    EXPECT_EQ(failure->http_status, 404);
    EXPECT_EQ(failure->body_excerpt, "not found");
    EXPECT_FALSE(failure->retryable);
    EXPECT_EQ(failure->kind_label(), "http_status(404)");
}

TEST(BeastClient, ServerErrorOnUpgradeIsRetryableHttpStatusWithAShortExcerpt) {
    AgentServerDoubleOptions options;
    options.reject_upgrade_status = 503;
    options.reject_upgrade_body = std::string(500, 'x');
    const AgentServerDouble server(options);
    BeastClient client;
    const auto failure = client.connect(request_for(server.url()));
    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(failure->kind, FailureKind::http_status);
    EXPECT_EQ(failure->http_status, 503);
    EXPECT_EQ(failure->body_excerpt, std::string(200, 'x'));
    EXPECT_TRUE(failure->retryable);
}

TEST(BeastClient, BadTokenIsAuthRejectedAndTheTokenAppearsInNoFailureText) {
    AgentServerDoubleOptions options;
    options.tokens = {"good-token"};
    const AgentServerDouble server(options);
    const std::string bad = "bad-token-5f3a9";
    auto request = request_for(server.url() + "?token=" + bad);
    request.headers.emplace_back("Authorization", "Bearer " + bad);
    request.subprotocols.push_back("jwt-auth." + bad);
    request.secrets.push_back(bad);

    BeastClient client;
    const auto failure = client.connect(request);
    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(failure->kind, FailureKind::auth_rejected) << failure->to_string();
    EXPECT_EQ(failure->phase, Phase::upgrade);
    EXPECT_EQ(failure->http_status, 401);
    EXPECT_EQ(failure->body_excerpt, "invalid or missing token");
    EXPECT_FALSE(failure->retryable);
    EXPECT_THAT(all_text(*failure), Not(HasSubstr(bad)));
    ASSERT_EQ(server.connections().size(), 1U);
    EXPECT_EQ(server.connections()[0].rejected_status, 401);
}

TEST(BeastClient, SecretsEchoedByTheServerAreRedactedFromTheBodyExcerpt) {
    AgentServerDoubleOptions options;
    options.reject_upgrade_status = 403;
    options.reject_upgrade_body = "token sekrit-42 is revoked";
    const AgentServerDouble server(options);
    auto request = request_for(server.url());
    request.secrets.push_back("sekrit-42");
    BeastClient client;
    const auto failure = client.connect(request);
    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(failure->kind, FailureKind::auth_rejected);
    EXPECT_EQ(failure->http_status, 403);
    EXPECT_EQ(failure->body_excerpt, "token *** is revoked");
    EXPECT_THAT(all_text(*failure), Not(HasSubstr("sekrit-42")));
}

class BeastClientAuth : public testing::Test {
  protected:
    static AgentServerDoubleOptions options() {
        AgentServerDoubleOptions result;
        result.tokens = {"tok-1", "tok-2"};
        return result;
    }
    AgentServerDouble server_{options()};
    BeastClient client_;
};

TEST_F(BeastClientAuth, AcceptsTheTokenInTheAuthorizationHeader) {
    auto request = request_for(server_.url());
    request.headers.emplace_back("Authorization", "Bearer tok-2");
    ASSERT_TRUE(ok(client_.connect(request)));
    EXPECT_EQ(receive_json(client_).value("type", ""), "connection_established");
    EXPECT_EQ(client_.selected_subprotocol(), "");
}

TEST_F(BeastClientAuth, AcceptsTheTokenAsSubprotocolAndTheServerEchoesThatEntry) {
    auto request = request_for(server_.url());
    request.subprotocols = {"chat.v1", "jwt-auth.tok-1"};
    ASSERT_TRUE(ok(client_.connect(request)));
    EXPECT_EQ(client_.selected_subprotocol(), "jwt-auth.tok-1");
    EXPECT_EQ(receive_json(client_).value("type", ""), "connection_established");
    ASSERT_EQ(server_.connections().size(), 1U);
    EXPECT_EQ(server_.connections()[0].selected_subprotocol, "jwt-auth.tok-1");
}

TEST_F(BeastClientAuth, AcceptsTheTokenInTheQuery) {
    ASSERT_TRUE(ok(client_.connect(request_for(server_.url() + "?token=tok-1"))));
    EXPECT_EQ(receive_json(client_).value("type", ""), "connection_established");
}

TEST_F(BeastClientAuth, MissingTokenIsAuthRejected) {
    const auto failure = client_.connect(request_for(server_.url()));
    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(failure->kind, FailureKind::auth_rejected);
    EXPECT_EQ(failure->kind_label(), "auth_rejected");
}

TEST(BeastClient, ServerThatNeverAnswersTheUpgradeIsTimeoutUpgrade) {
    const RawListener listener;
    auto request = request_for(listener.url());
    request.timeouts.upgrade = 150ms;
    BeastClient client;
    const auto started = Clock::now();
    const auto failure = client.connect(request);
    const auto took = Clock::now() - started;
    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(failure->kind, FailureKind::timeout) << failure->to_string();
    EXPECT_EQ(failure->phase, Phase::upgrade);
    EXPECT_EQ(failure->kind_label(), "timeout(upgrade)");
    EXPECT_TRUE(failure->retryable);
    EXPECT_GE(took, 150ms);
    EXPECT_LT(took, 150ms + scaled(Milliseconds{250}));
    EXPECT_GE(failure->waited_ms, 150.0);
}

TEST(BeastClient, ConnectionDroppedDuringTheUpgradeIsClosed1006) {
    const RawListener listener;
    std::thread server([&listener] { listener.accept_and_close(); });
    BeastClient client;
    const auto failure = client.connect(request_for(listener.url()));
    server.join();
    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(failure->kind, FailureKind::closed) << failure->to_string();
    EXPECT_EQ(failure->phase, Phase::upgrade);
    EXPECT_EQ(failure->close_code, 1006);
    EXPECT_TRUE(failure->retryable);
}

TEST(BeastClient, UnknownNameIsDnsAndTheResolverIsAskedForNamesOnly) {
    auto resolver = std::make_shared<RecordingResolver>(StaticResolver{});
    BeastClient client(resolver);
    const auto failure = client.connect(request_for("ws://staging.invalid:8080/ws"));
    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(failure->kind, FailureKind::dns) << failure->to_string();
    EXPECT_EQ(failure->phase, Phase::connect);
    EXPECT_TRUE(failure->retryable);
    EXPECT_THAT(failure->detail, HasSubstr("staging.invalid"));
    ASSERT_EQ(failure->attempts.size(), 1U);
    EXPECT_EQ(failure->attempts[0].kind_label, "dns");
    EXPECT_EQ(resolver->calls, std::vector<std::string>{"staging.invalid"});

    const AgentServerDouble server;
    BeastClient literal(resolver);
    ASSERT_TRUE(ok(literal.connect(request_for(server.url()))));
    EXPECT_EQ(resolver->calls.size(), 1U) << "an IP literal must not be resolved";
}

TEST(BeastClient, ConnectsToANameThroughTheInjectedResolver) {
    const AgentServerDouble server;
    auto resolver = std::make_shared<StaticResolver>();
    resolver->add("agent.test", {"127.0.0.1"});
    BeastClient client(resolver);
    ASSERT_TRUE(ok(
        client.connect(request_for("ws://agent.test:" + std::to_string(server.port()) + "/ws"))));
    EXPECT_EQ(receive_json(client).value("type", ""), "connection_established");
    ASSERT_EQ(server.connections().size(), 1U);
    EXPECT_EQ(server.connections()[0].header("host"),
              "agent.test:" + std::to_string(server.port()));
    EXPECT_EQ(server.connections()[0].header("user-agent"),
              "goldenpath/" + std::string(version_string));
}

TEST(BeastClient, ReceiveTimesOutAtItsDeadlineWhenTheServerStalls) {
    AgentServerDoubleOptions options;
    options.script = Script().stall();
    const AgentServerDouble server(options);
    BeastClient client;
    ASSERT_TRUE(ok(client.connect(request_for(server.url()))));
    receive_json(client);
    ASSERT_TRUE(ok(client.send_text(default_profile().start_message("hi", "t", "r"))));

    const auto started = Clock::now();
    const auto result = client.receive(started + 100ms);  // the script stalls: waited out
    const auto took = Clock::now() - started;
    EXPECT_EQ(result.status, ReceiveResult::Status::timeout);
    EXPECT_GE(took, 100ms);
    EXPECT_LT(took, 100ms + scaled(Milliseconds{250}));
}

TEST(BeastClient, AFrameThatArrivesAfterATimedOutReceiveIsNotLost) {
    AgentServerDoubleOptions options;
    options.script = Script().delay(150ms).send_raw("late");
    const AgentServerDouble server(options);
    BeastClient client;
    ASSERT_TRUE(ok(client.connect(request_for(server.url()))));
    receive_json(client);
    ASSERT_TRUE(ok(client.send_text(default_profile().start_message("hi", "t", "r"))));

    EXPECT_EQ(client.receive(Clock::now() + 20ms).status, ReceiveResult::Status::timeout);
    const auto result = client.receive(Clock::now() + kWait);
    ASSERT_EQ(result.status, ReceiveResult::Status::frame);
    EXPECT_EQ(result.frame.text, "late");
    EXPECT_FALSE(result.frame.binary);
}

TEST(BeastClient, ServerCloseStepIsClosedWithItsCodeAndReason) {
    AgentServerDoubleOptions options;
    options.script =
        Script::golden_path().drop_event(4).drop_event(3).drop_event(2).close(1011, "boom");
    const AgentServerDouble server(options);
    BeastClient client;
    ASSERT_TRUE(ok(client.connect(request_for(server.url()))));
    receive_json(client);
    ASSERT_TRUE(ok(client.send_text(default_profile().start_message("hi", "t", "r"))));
    EXPECT_EQ(receive_json(client).value("type", ""), "agent_started");
    EXPECT_EQ(receive_json(client).value("type", ""), "agent_thinking");

    const auto result = client.receive(Clock::now() + kWait);
    ASSERT_EQ(result.status, ReceiveResult::Status::closed);
    EXPECT_EQ(result.close.code, 1011);
    EXPECT_EQ(result.close.reason, "boom");
    // Later calls keep reporting the same close; sending fails as closed.
    EXPECT_EQ(client.receive(Clock::now() + kWait).close.code, 1011);
    const auto send_failure = client.send_text("after close");
    ASSERT_TRUE(send_failure.has_value());
    EXPECT_EQ(send_failure->kind, FailureKind::closed);
}

TEST(BeastClient, SendRawArrivesVerbatim) {
    AgentServerDoubleOptions options;
    options.script = Script().send_raw("{not json");
    const AgentServerDouble server(options);
    BeastClient client;
    ASSERT_TRUE(ok(client.connect(request_for(server.url()))));
    receive_json(client);
    ASSERT_TRUE(ok(client.send_text(default_profile().start_message("hi", "t", "r"))));
    const auto result = client.receive(Clock::now() + kWait);
    ASSERT_EQ(result.status, ReceiveResult::Status::frame);
    EXPECT_EQ(result.frame.text, "{not json");
}

TEST(BeastClient, CloseReturnsFramesTheServerSentAfterCompletion) {
    AgentServerDoubleOptions options;
    options.script = Script::golden_path().send_raw("after-completion").stall();
    const AgentServerDouble server(options);
    BeastClient client;
    ASSERT_TRUE(ok(client.connect(request_for(server.url()))));
    receive_json(client);
    ASSERT_TRUE(ok(client.send_text(default_profile().start_message("hi", "t", "r"))));
    for (int i = 0; i < 5; ++i) {
        receive_json(client);
    }
    const auto started = Clock::now();
    const auto drained = client.close(1000, "done", started + kWait);
    EXPECT_LT(Clock::now() - started, 500ms) << "the server answers the close handshake";
    ASSERT_EQ(drained.size(), 1U);
    EXPECT_EQ(drained[0].text, "after-completion");
    EXPECT_TRUE(client.close(1000, "again", Clock::now() + kWait).empty());
    EXPECT_EQ(client.receive(Clock::now() + kWait).status, ReceiveResult::Status::closed);
}

TEST(BeastClient, ConnectsOverIpv6Loopback) {
    AgentServerDoubleOptions options;
    options.host = "::1";
    std::unique_ptr<AgentServerDouble> server;
    try {
        server = std::make_unique<AgentServerDouble>(options);
    } catch (const std::runtime_error& error) {
        GTEST_SKIP() << "::1 cannot be bound here: " << error.what();
    }
    EXPECT_EQ(server->url(), "ws://[::1]:" + std::to_string(server->port()) + "/ws");
    BeastClient client;
    ASSERT_TRUE(ok(client.connect(request_for(server->url()))));
    EXPECT_EQ(receive_json(client).value("type", ""), "connection_established");
}

}  // namespace
}  // namespace goldenpath
