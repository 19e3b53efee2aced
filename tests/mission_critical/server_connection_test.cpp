// ServerConnection handles, mutual TLS and reconnection against the AgentServerDouble, with the
// real BeastClient over loopback.
#include "goldenpath/server_connection.hpp"  // first: the header is self-contained

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/beast_client.hpp"
#include "goldenpath/event.hpp"
#include "goldenpath/event_sequence_verifier.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/script.hpp"
#include "goldenpath/timeout_scale.hpp"
#include "transport_test_support.hpp"

namespace goldenpath {
namespace {

using namespace std::chrono_literals;
using namespace goldenpath::test;
namespace net = boost::asio;
using net::ip::tcp;
using testing::ElementsAre;
using testing::HasSubstr;

// A double that only answers through handles: connection_established, then silence.
AgentServerDoubleOptions silent_options() {
    AgentServerDoubleOptions options;
    options.script = Script().stall();
    return options;
}

// Receives one frame and fails the test unless it is a frame; returns it.
ReceivedFrame receive_frame(WebSocketClient& client) {
    const ReceiveResult result = client.receive(Clock::now() + kWait);
    EXPECT_EQ(result.status, ReceiveResult::Status::frame)
        << "expected a frame within 1 s, but got status " << static_cast<int>(result.status)
        << " (close " << result.close.code << " " << result.close.reason << ")";
    return result.frame;
}

// Reads until the server's close frame. Tests read it before the client goes away: BeastClient's
// close() after an unread server close frame can trip a Beast assertion (see the report).
void expect_closed(WebSocketClient& client, int code) {
    const ReceiveResult result = client.receive(Clock::now() + kWait);
    ASSERT_EQ(result.status, ReceiveResult::Status::closed)
        << "expected close " << code << " within 1 s, got a frame or a timeout";
    EXPECT_EQ(result.close.code, code);
}

// Connects `client` to `server` and takes the connection's handle.
std::shared_ptr<ServerConnection> connect_and_take(AgentServerDouble& server, BeastClient& client,
                                                   ConnectRequest request) {
    const auto failure = client.connect(request);
    EXPECT_TRUE(ok(failure));
    if (failure) {
        return nullptr;
    }
    auto handle = server.wait_for_connection(Clock::now() + kWait);
    EXPECT_NE(handle, nullptr) << "no connection handle within 1 s";
    return handle;
}

TEST(ServerConnection, HandleShowsTheHandshakeAndTheAcceptTime) {
    AgentServerDouble server(silent_options());
    auto request = request_for(server.url() + "?tenant=acme");
    request.headers.emplace_back("Origin", "https://app.example");
    request.subprotocols = {"chat.v1"};
    BeastClient client;
    const auto before = Clock::now();
    const auto handle = connect_and_take(server, client, request);
    ASSERT_NE(handle, nullptr);
    const auto after = Clock::now();

    EXPECT_EQ(handle->id(), 1U);
    const RecordedConnection handshake = handle->handshake();
    EXPECT_EQ(handshake.target, "/ws?tenant=acme");
    EXPECT_EQ(handshake.header("Origin"), "https://app.example");
    EXPECT_THAT(handshake.offered_subprotocols, ElementsAre("chat.v1"));
    EXPECT_EQ(handshake.selected_subprotocol, "chat.v1");
    EXPECT_TRUE(handshake.upgraded);
    EXPECT_GE(handle->accepted_at(), before);
    EXPECT_LE(handle->accepted_at(), after);
    EXPECT_EQ(server.connections()[0].accepted_at, handle->accepted_at());
    EXPECT_TRUE(handle->is_open());
}

TEST(ServerConnection, EachConnectionIsHandedOutOnceInAcceptOrder) {
    AgentServerDouble server(silent_options());
    BeastClient first;
    BeastClient second;
    ASSERT_TRUE(ok(first.connect(request_for(server.url()))));
    ASSERT_TRUE(ok(second.connect(request_for(server.url()))));
    const auto one = server.wait_for_connection(Clock::now() + kWait);
    const auto two = server.wait_for_connection(Clock::now() + kWait);
    ASSERT_NE(one, nullptr);
    ASSERT_NE(two, nullptr);
    EXPECT_EQ(one->id(), 1U);
    EXPECT_EQ(two->id(), 2U);
    const auto waited_from = Clock::now();
    EXPECT_EQ(server.wait_for_connection(waited_from + 30ms), nullptr);
    EXPECT_GE(Clock::now() - waited_from, 30ms);
}

TEST(ServerConnection, RejectedUpgradesAreNoHandles) {
    AgentServerDoubleOptions options;
    options.tokens = {"the-token"};
    AgentServerDouble server(options);
    BeastClient client;
    ASSERT_FALSE(ok(client.connect(request_for(server.url()))));
    ASSERT_TRUE(server.wait_for_connections(1, Clock::now() + kWait));
    EXPECT_EQ(server.wait_for_connection(Clock::now() + 20ms), nullptr);
}

TEST(ServerConnection, TextBinaryAndPingGoOutInCallOrderAndPingsAreInvisible) {
    AgentServerDouble server(silent_options());
    BeastClient client;
    const auto handle = connect_and_take(server, client, request_for(server.url()));
    ASSERT_NE(handle, nullptr);
    EXPECT_THAT(receive_frame(client).text, HasSubstr("connection_established"));

    EXPECT_TRUE(handle->send_text("one"));
    EXPECT_TRUE(handle->ping("are you there"));
    EXPECT_TRUE(handle->send_binary(std::string("\x00\x01", 2)));
    EXPECT_TRUE(handle->send_text("three"));
    const ReceivedFrame one = receive_frame(client);
    const ReceivedFrame two = receive_frame(client);
    const ReceivedFrame three = receive_frame(client);
    EXPECT_EQ(one.text, "one");
    EXPECT_FALSE(one.binary);
    EXPECT_EQ(two.text, std::string("\x00\x01", 2));
    EXPECT_TRUE(two.binary);
    EXPECT_EQ(three.text, "three");
    EXPECT_TRUE(handle->is_open());
}

TEST(ServerConnection, InboxAndWaitForMessage) {
    AgentServerDouble server(silent_options());
    BeastClient client;
    const auto handle = connect_and_take(server, client, request_for(server.url()));
    ASSERT_NE(handle, nullptr);
    ASSERT_TRUE(ok(client.send_text("hello")));
    ASSERT_TRUE(ok(client.send_text(R"({"type":"heartbeat"})")));
    ASSERT_TRUE(handle->wait_for_message(2, Clock::now() + kWait));
    EXPECT_THAT(handle->messages(), ElementsAre("hello", R"({"type":"heartbeat"})"));

    const auto heartbeat = handle->wait_for_message(
        [](const std::string& m) { return m.find("heartbeat") != std::string::npos; },
        Clock::now() + kWait);
    EXPECT_EQ(heartbeat, std::optional<std::string>(R"({"type":"heartbeat"})"));

    const auto waited_from = Clock::now();
    EXPECT_EQ(handle->wait_for_message([](const std::string& m) { return m == "never"; },
                                       waited_from + 30ms),
              std::nullopt);
    EXPECT_GE(Clock::now() - waited_from, 30ms);
    EXPECT_FALSE(handle->wait_for_message(3, Clock::now() + 20ms));

    ASSERT_TRUE(ok(client.send_text("late")));
    EXPECT_EQ(handle->wait_for_message([](const std::string& m) { return m == "late"; },
                                       Clock::now() + kWait),
              std::optional<std::string>("late"));
}

TEST(ServerConnection, CloseReachesTheClientAndWaitClosedGivesTheClientsAnswer) {
    AgentServerDouble server(silent_options());
    BeastClient client;
    const auto handle = connect_and_take(server, client, request_for(server.url()));
    ASSERT_NE(handle, nullptr);
    receive_frame(client);
    ASSERT_TRUE(handle->close(4001, "go away"));
    const ReceiveResult closed = client.receive(Clock::now() + kWait);
    ASSERT_EQ(closed.status, ReceiveResult::Status::closed);
    EXPECT_EQ(closed.close.code, 4001);
    EXPECT_EQ(closed.close.reason, "go away");
    // The client's WebSocket layer answers a close frame by echoing its code.
    EXPECT_EQ(handle->wait_closed(Clock::now() + kWait), std::optional<int>(4001));
    EXPECT_FALSE(handle->is_open());
    EXPECT_FALSE(handle->send_text("too late"));
}

// A client that answers the close frame but keeps its TCP side open (a blocking client between
// calls never reads the server's FIN): the answer counts as it arrives, not once the double's
// grace for the TCP close ran out (an hour here, so waiting for it would fail the test).
TEST(ServerConnection, AnAnswerWithoutTheTcpCloseStillCounts) {
    AgentServerDoubleOptions options = silent_options();
    options.close_grace = std::chrono::hours(1);
    AgentServerDouble server(options);
    net::io_context context;
    tcp::socket socket(context);
    socket.connect({net::ip::make_address("127.0.0.1"), server.port()});
    net::write(socket, net::buffer(std::string_view(
                           "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n")));
    const auto handle = server.wait_for_connection(Clock::now() + kWait);
    ASSERT_NE(handle, nullptr);
    ASSERT_TRUE(handle->close(4001, "go away"));

    std::string received;
    bool read_done = false;
    net::async_read_until(socket, net::dynamic_buffer(received), "go away",
                          [&](boost::system::error_code, std::size_t) { read_done = true; });
    context.run_for(kWait);
    ASSERT_TRUE(read_done) << "no close frame within 1 s; got " << received.size() << " bytes";
    // A masked close frame with a zero mask: FIN+close, MASK+2, mask 0, code 4001.
    const std::string answer{'\x88', '\x82', '\0', '\0', '\0', '\0', '\x0f', '\xa1'};
    net::write(socket, net::buffer(answer));

    EXPECT_EQ(handle->wait_closed(Clock::now() + kWait), std::optional<int>(4001));
}

TEST(ServerConnection, ClientCloseEndsTheConnectionWithItsCode) {
    AgentServerDouble server(silent_options());
    BeastClient client;
    const auto handle = connect_and_take(server, client, request_for(server.url()));
    ASSERT_NE(handle, nullptr);
    const auto waited_from = Clock::now();
    EXPECT_EQ(handle->wait_closed(waited_from + 20ms), std::nullopt);
    EXPECT_GE(Clock::now() - waited_from, 20ms);
    client.close(4000, "bye", Clock::now() + kWait);
    EXPECT_EQ(handle->wait_closed(Clock::now() + kWait), std::optional<int>(4000));
    EXPECT_EQ(handle->handshake().client_close_code, std::optional<int>(4000));
    EXPECT_FALSE(handle->ping());
}

TEST(ServerConnection, ResetAfterAFrameIsClosed1006AtTheClient) {
    AgentServerDouble server(silent_options());
    BeastClient client;
    const auto handle = connect_and_take(server, client, request_for(server.url()));
    ASSERT_NE(handle, nullptr);
    receive_frame(client);
    ASSERT_TRUE(handle->send_text("last words"));
    ASSERT_TRUE(handle->reset());
    EXPECT_EQ(receive_frame(client).text, "last words");
    const ReceiveResult closed = client.receive(Clock::now() + kWait);
    ASSERT_EQ(closed.status, ReceiveResult::Status::closed);
    EXPECT_EQ(closed.close.code, 1006);
    EXPECT_EQ(handle->wait_closed(Clock::now() + kWait), std::optional<int>(1006));
    EXPECT_FALSE(handle->is_open());
}

TEST(ServerConnection, HandlesDriveAConnectionWhoseScriptIsEmptyThroughAWholeJourney) {
    AgentServerDoubleOptions options;
    options.script = Script();  // the handle answers instead
    AgentServerDouble server(options);
    BeastClient client;
    const auto handle = connect_and_take(server, client, request_for(server.url()));
    ASSERT_NE(handle, nullptr);
    receive_frame(client);
    const auto profile = default_profile();
    ASSERT_TRUE(ok(client.send_text(profile.start_message("hi", "thread-h", "run-h"))));
    ASSERT_TRUE(handle->wait_for_message(1, Clock::now() + kWait));
    const Script golden = Script::golden_path();
    for (const ScriptStep& step : golden.steps()) {
        nlohmann::json event = step.event;
        event["run_id"] = "run-h";
        ASSERT_TRUE(handle->send_text(event.dump()));
    }
    EventSequenceVerifier verifier;
    const auto run = verifier.start_run("thread-h", "run-h");
    while (!verifier.finished(run)) {
        const ReceivedFrame frame = receive_frame(client);
        const auto parsed = parse_event(frame.text, profile, frame.arrival);
        ASSERT_TRUE(std::holds_alternative<Event>(parsed)) << frame.text;
        verifier.feed(std::get<Event>(parsed));
    }
    EXPECT_TRUE(verifier.verdict(run).passed()) << verifier.verdict(run).to_string();
}

TEST(ServerConnection, OnConnectionGetsEveryConnectionFirstAndTheyAreNotHandedOutAgain) {
    std::mutex mutex;
    std::vector<std::size_t> seen;
    AgentServerDoubleOptions options = silent_options();
    options.send_connection_established = false;
    options.close_grace = kUnansweredCloseGrace;  // the clients read the close after stop()
    options.on_connection = [&](const std::shared_ptr<ServerConnection>& connection) {
        connection->send_text("welcome " + std::to_string(connection->id()));
        const std::lock_guard lock(mutex);
        seen.push_back(connection->id());
    };
    AgentServerDouble server(options);
    BeastClient first;
    BeastClient second;
    ASSERT_TRUE(ok(first.connect(request_for(server.url()))));
    EXPECT_EQ(receive_frame(first).text, "welcome 1");
    ASSERT_TRUE(ok(second.connect(request_for(server.url()))));
    EXPECT_EQ(receive_frame(second).text, "welcome 2");
    EXPECT_EQ(server.wait_for_connection(Clock::now() + 20ms), nullptr);
    server.stop();
    EXPECT_THAT(seen, ElementsAre(1U, 2U));
    expect_closed(first, 1001);
    expect_closed(second, 1001);
}

TEST(ServerConnection, AHandleOutlivesItsDoubleAndKeepsTheRecording) {
    std::shared_ptr<ServerConnection> handle;
    BeastClient client;
    {
        AgentServerDoubleOptions options = silent_options();
        options.close_grace = kUnansweredCloseGrace;  // the client reads the close afterwards
        AgentServerDouble server(options);
        handle = connect_and_take(server, client, request_for(server.url()));
        ASSERT_NE(handle, nullptr);
        receive_frame(client);  // connection_established
        ASSERT_TRUE(ok(client.send_text("kept")));
        ASSERT_TRUE(handle->wait_for_message(1, Clock::now() + kWait));
    }
    expect_closed(client, 1001);
    EXPECT_FALSE(handle->is_open());
    EXPECT_FALSE(handle->send_text("nobody listens"));
    EXPECT_FALSE(handle->reset());
    EXPECT_TRUE(handle->wait_closed(Clock::now()).has_value());
    EXPECT_THAT(handle->messages(), ElementsAre("kept"));
}

TEST(ServerConnection, UnsendableCloseCodesAndOversizedPingsAreTypedErrors) {
    AgentServerDouble server(silent_options());
    BeastClient client;
    const auto handle = connect_and_take(server, client, request_for(server.url()));
    ASSERT_NE(handle, nullptr);
    try {
        handle->close(1006);
        FAIL() << "expected std::invalid_argument for close code 1006";
    } catch (const std::invalid_argument& error) {
        EXPECT_THAT(error.what(), HasSubstr("but is 1006"));
    }
    EXPECT_THROW(handle->close(999), std::invalid_argument);
    EXPECT_THROW(handle->close(5000), std::invalid_argument);
    try {
        handle->ping(std::string(126, 'p'));
        FAIL() << "expected std::invalid_argument for a 126-byte ping";
    } catch (const std::invalid_argument& error) {
        EXPECT_THAT(error.what(), HasSubstr("126"));
    }
    EXPECT_THROW(Script().ping(std::string(126, 'p')), std::invalid_argument);
    EXPECT_TRUE(handle->is_open());
}

TEST(ServerConnection, StopClosesHandledConnectionsWith1001) {
    AgentServerDoubleOptions options = silent_options();
    options.close_grace = kUnansweredCloseGrace;  // the client reads the close after stop()
    AgentServerDouble server(options);
    BeastClient client;
    const auto handle = connect_and_take(server, client, request_for(server.url()));
    ASSERT_NE(handle, nullptr);
    receive_frame(client);
    server.stop();
    expect_closed(client, 1001);
    EXPECT_TRUE(handle->wait_closed(Clock::now()).has_value());
}

// ---- Mutual TLS

AgentServerDoubleOptions mutual_tls_options() {
    AgentServerDoubleOptions options;
    options.tls = true;
    options.require_client_certificate = true;
    return options;
}

ConnectRequest mutual_tls_request(const AgentServerDouble& server) {
    ConnectRequest request = request_for(server.url());
    request.timeouts.tls = 300ms;
    request.ca_file = server.ca_file();
    return request;
}

TEST(MutualTls, TheDoublesClientCertificateIsSignedByItsCaAndPrivate) {
    const AgentServerDouble server(mutual_tls_options());
    const ClientCertificateFiles files = server.client_certificate();
    ASSERT_TRUE(std::filesystem::is_regular_file(files.certificate_file));
    ASSERT_TRUE(std::filesystem::is_regular_file(files.key_file));
    const auto perms = std::filesystem::status(files.key_file).permissions();
    EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
              std::filesystem::perms::none);
    const AgentServerDouble plain;
    EXPECT_TRUE(plain.client_certificate().certificate_file.empty());
}

TEST(MutualTls, AClientWithTheCertificateGetsTheGoldenPath) {
    AgentServerDouble server(mutual_tls_options());
    auto request = mutual_tls_request(server);
    request.client_certificate_file = server.client_certificate().certificate_file;
    request.client_key_file = server.client_certificate().key_file;
    BeastClient client;
    ASSERT_TRUE(ok(client.connect(request)));
    EXPECT_EQ(receive_json(client).value("type", ""), "connection_established");
    ASSERT_TRUE(ok(client.send_text(default_profile().start_message("hi", "t", "r"))));
    for (const char* type : {"agent_started", "agent_thinking", "tool_executing", "tool_completed",
                             "agent_completed"}) {
        EXPECT_EQ(receive_json(client).value("type", ""), type);
    }
    ASSERT_TRUE(server.wait_for_connections(1, Clock::now() + kWait));
    EXPECT_TRUE(server.connections()[0].upgraded);
}

TEST(MutualTls, AClientWithoutACertificateIsRefusedDuringTheHandshake) {
    AgentServerDouble server(mutual_tls_options());
    BeastClient client;
    const auto started = Clock::now();
    const auto failure = client.connect(mutual_tls_request(server));
    ASSERT_TRUE(failure.has_value()) << "connected without a client certificate";
    EXPECT_LT(elapsed_ms(started, Clock::now()), (300.0 + 250.0) * timeout_scale());
    // TLS 1.3: the client finishes its side of the handshake before the server checks for a
    // certificate, so the server's "certificate required" alert arrives while the client reads
    // the upgrade response; BeastClient still reports it as the TLS failure it is.
    EXPECT_EQ(failure->kind_label(), "tls(client_certificate_required)") << failure->to_string();
    EXPECT_EQ(failure->phase, Phase::tls) << failure->to_string();
    EXPECT_THAT(failure->detail, HasSubstr("certificate required")) << failure->to_string();
    // The server never saw an HTTP request on it.
    EXPECT_TRUE(server.connections().empty());
}

TEST(MutualTls, AJourneyTakesItsClientCertificateFromTheEndpointConfig) {
    const AgentServerDouble server(mutual_tls_options());
    JourneyOptions options;
    options.config.url = Url::parse(server.url());
    options.config.ca_file = server.ca_file();
    options.config.client_certificate_file = server.client_certificate().certificate_file;
    options.config.client_key_file = server.client_certificate().key_file;
    const JourneyResult with_certificate = GoldenPathJourney(options).run();
    EXPECT_TRUE(with_certificate.passed()) << with_certificate.to_string();

    options.config.client_certificate_file.reset();
    options.config.client_key_file.reset();
    const JourneyResult without = GoldenPathJourney(options).run();
    ASSERT_TRUE(without.failure.has_value()) << without.to_string();
    EXPECT_EQ(without.failure->kind_label(), "tls(client_certificate_required)")
        << without.to_string();
}

// ---- Reconnection

// A journey at `server` retrying with `policy`, 300 ms phase deadlines.
JourneyOptions retrying_journey(const AgentServerDouble& server, const RetryPolicy& policy) {
    JourneyOptions options;
    options.config.url = Url::parse(server.url());
    auto& timeouts = options.config.timeouts;
    timeouts.connect = timeouts.tls = timeouts.upgrade = timeouts.ready = 300ms;
    timeouts.first_event = timeouts.max_gap = timeouts.close = 300ms;
    timeouts.completion = 1000ms;
    options.config.retry = policy;
    return options;
}

RetryPolicy quick_retries(int attempts) {
    RetryPolicy policy;
    policy.max_attempts = attempts;
    policy.initial_backoff = 40ms;
    policy.multiplier = 2.0;
    policy.max_backoff = 200ms;
    policy.jitter = 0.25;
    policy.overall_deadline = 900ms;
    return policy;
}

// Checks that the gaps between accepts honour the policy's backoff minus jitter.
void expect_backoff_between_accepts(const std::vector<RecordedConnection>& connections,
                                    const RetryPolicy& policy) {
    for (std::size_t i = 1; i < connections.size(); ++i) {
        const auto gap = connections[i].accepted_at - connections[i - 1].accepted_at;
        const auto backoff = policy.backoff_before(static_cast<int>(i));
        const double minimum_ms = static_cast<double>(backoff.count()) * (1.0 - policy.jitter);
        const double gap_ms = std::chrono::duration<double, std::milli>(gap).count();
        EXPECT_GE(gap_ms, minimum_ms)
            << "accept " << i + 1 << " came " << gap_ms << " ms after accept " << i
            << ", but the backoff before retry " << i << " is " << backoff.count() << " ms -"
            << policy.jitter * 100 << "%";
    }
}

class Reconnection : public testing::TestWithParam<UpgradeFault> {};

TEST_P(Reconnection, TheJourneyReconnectsAfterDroppedUpgradesWithBackoff) {
    AgentServerDoubleOptions options;
    const UpgradeFault fault = GetParam();
    options.upgrade_fault_for = [fault](const RecordedConnection& connection) {
        return connection.id <= 2 ? fault : UpgradeFault::none;
    };
    AgentServerDouble server(options);
    const RetryPolicy policy = quick_retries(4);
    const JourneyResult result = GoldenPathJourney(retrying_journey(server, policy)).run();
    EXPECT_TRUE(result.passed()) << result.to_string();
    const auto connections = server.connections();
    ASSERT_EQ(connections.size(), 3U) << "two dropped attempts, then the good one";
    EXPECT_FALSE(connections[0].upgraded);
    EXPECT_FALSE(connections[1].upgraded);
    EXPECT_TRUE(connections[2].upgraded);
    expect_backoff_between_accepts(connections, policy);
}

TEST_P(Reconnection, EveryAttemptDroppedFailsListingEachAttempt) {
    AgentServerDoubleOptions options;
    const UpgradeFault fault = GetParam();
    options.upgrade_fault_for = [fault](const RecordedConnection&) { return fault; };
    AgentServerDouble server(options);
    const RetryPolicy policy = quick_retries(3);
    const JourneyResult result = GoldenPathJourney(retrying_journey(server, policy)).run();
    ASSERT_TRUE(result.failure) << result.to_string();
    // A connection dropped during the upgrade is closed(1006): retryable.
    EXPECT_EQ(result.failure->kind, FailureKind::closed) << result.failure->to_string();
    EXPECT_EQ(result.failure->close_code, 1006) << result.failure->to_string();
    EXPECT_EQ(result.failure->attempts.size(), 3U) << result.failure->to_string();
    ASSERT_TRUE(server.wait_for_connections(3, Clock::now() + kWait));
    EXPECT_EQ(server.connections().size(), 3U);
    expect_backoff_between_accepts(server.connections(), policy);
}

INSTANTIATE_TEST_SUITE_P(DroppedBy, Reconnection,
                         testing::Values(UpgradeFault::close, UpgradeFault::reset),
                         [](const testing::TestParamInfo<UpgradeFault>& param_info) {
                             return std::string(param_info.param == UpgradeFault::close ? "Close"
                                                                                        : "Reset");
                         });

TEST(SeveralRuns, AFailedRunThenAGoodOneOnTheSameConnection) {
    AgentServerDoubleOptions options;
    // The recording passed to script_for already holds the start message being answered.
    options.script_for = [](const RecordedConnection& connection) {
        if (connection.received.size() == 1) {
            Script failing = Script::golden_path().drop_event(4).drop_event(3).drop_event(2);
            failing.event({{"type", "agent_error"}, {"data", {{"message", "tool timeout"}}}});
            return failing;
        }
        return Script::golden_path();
    };
    AgentServerDouble server(options);
    BeastClient client;
    ASSERT_TRUE(ok(client.connect(request_for(server.url()))));
    const auto profile = default_profile();
    EventSequenceVerifier verifier(profile);
    const auto run_until_finished = [&](EventSequenceVerifier::RunId run) {
        while (!verifier.finished(run)) {
            const ReceiveResult received = client.receive(Clock::now() + kWait);
            ASSERT_EQ(received.status, ReceiveResult::Status::frame)
                << "run " << run << " unfinished: " << verifier.verdict(run).to_string();
            const auto parsed = parse_event(received.frame.text, profile);
            ASSERT_TRUE(std::holds_alternative<Event>(parsed)) << received.frame.text;
            verifier.feed(std::get<Event>(parsed));
        }
    };

    const auto failed = verifier.start_run("thread-1", "run-1");
    ASSERT_TRUE(ok(client.send_text(profile.start_message("first", "thread-1", "run-1"))));
    run_until_finished(failed);
    const Verdict first = verifier.verdict(failed);
    ASSERT_TRUE(first.violation) << first.to_string();
    EXPECT_EQ(first.violation->rule, Rule::agent_error);
    EXPECT_EQ(first.violation->event_index, 2U);

    const auto good = verifier.start_run("thread-2", "run-2");
    ASSERT_TRUE(ok(client.send_text(profile.start_message("again", "thread-2", "run-2"))));
    run_until_finished(good);
    EXPECT_TRUE(verifier.verdict(good).passed()) << verifier.verdict(good).to_string();
    ASSERT_EQ(server.connections().size(), 1U);
    EXPECT_EQ(server.connections()[0].received.size(), 2U);
}

}  // namespace
}  // namespace goldenpath
