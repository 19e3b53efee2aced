// AgentServerDouble speaking AG-UI (the shipped ag-ui profile) over server-sent events (http://,
// https://) and over WebSocket (ws://, wss://), with the same scripts and faults: through the real
// BeastClient and GoldenPathJourney the golden path passes and each broken run fails with the rule
// or kind the probe reports. Then what is particular to an event stream: handles, a client that
// leaves, a body that is no start message, a body too large.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/failure.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/script.hpp"
#include "goldenpath/server_connection.hpp"
#include "goldenpath/shipped_profiles.hpp"
#include "goldenpath/timeout_scale.hpp"
#include "transport_test_support.hpp"

namespace goldenpath {
namespace {

using namespace std::chrono_literals;
using testing::ElementsAre;
using testing::HasSubstr;

const Milliseconds kPhaseDeadline = scaled(Milliseconds{300});

ProtocolProfile ag_ui() {
    return shipped_profile("ag-ui").value();
}

nlohmann::json event(const std::string& type, nlohmann::json fields = nlohmann::json::object()) {
    fields["type"] = type;
    return fields;
}

std::vector<std::string> frame_types(const JourneyResult& result) {
    std::vector<std::string> types;
    for (const auto& frame : result.frames) {
        types.push_back(nlohmann::json::parse(frame).value("type", std::string("?")));
    }
    return types;
}

JourneyOptions journey_to(const std::string& url, const AgentServerDouble& server,
                          ProtocolProfile profile) {
    JourneyOptions options;
    options.profile = std::move(profile);
    options.config.url = Url::parse(url);
    options.config.ca_file = server.ca_file();
    options.config.retry.max_attempts = 1;
    options.config.timeouts = test::every_phase(kPhaseDeadline, kPhaseDeadline);
    options.config.timeouts.completion = scaled(Milliseconds{2000});
    return options;
}

// The transport is the URL scheme: http and https are event streams, ws and wss WebSockets.
class AgUiDoubleTest : public testing::TestWithParam<std::string> {
  protected:
    bool tls() const { return GetParam() == "https" || GetParam() == "wss"; }
    bool event_stream() const { return GetParam() == "http" || GetParam() == "https"; }

    AgentServerDoubleOptions double_with(Script script) const {
        AgentServerDoubleOptions options;
        options.profile = ag_ui();
        options.tls = tls();
        options.script = std::move(script);
        return options;
    }

    JourneyResult run_against(const AgentServerDouble& server) const {
        const std::string url = event_stream() ? server.event_stream_url() : server.url();
        return GoldenPathJourney(journey_to(url, server, ag_ui())).run();
    }

    // The run ends in protocol_violation(rule).
    void expect_violation(const Script& script, const std::string& rule) const {
        AgentServerDouble server(double_with(script));
        const JourneyResult result = run_against(server);
        ASSERT_TRUE(result.failure)
            << "expected protocol_violation(" << rule << "), but the journey passed:\n"
            << result.to_string();
        EXPECT_EQ(result.failure->kind, FailureKind::protocol_violation) << result.to_string();
        EXPECT_EQ(result.failure->rule, rule) << result.to_string();
    }
};

TEST_P(AgUiDoubleTest, GoldenPathPassesWithTheRunsIdsAndTheUsersMessage) {
    AgentServerDouble server(double_with(Script::golden_path(ag_ui())));
    const JourneyResult result = run_against(server);

    ASSERT_TRUE(result.passed()) << result.to_string();
    EXPECT_THAT(frame_types(result),
                ElementsAre("RUN_STARTED", "REASONING_START", "REASONING_END", "TOOL_CALL_START",
                            "TOOL_CALL_END", "RUN_FINISHED"));
    const auto finished = nlohmann::json::parse(result.frames.back());
    EXPECT_EQ(finished.value("threadId", ""), result.thread_id);
    EXPECT_EQ(finished.value("runId", ""), result.run_id);
    const auto connections = server.connections();
    ASSERT_EQ(connections.size(), 1U);
    EXPECT_TRUE(connections[0].upgraded);
    ASSERT_EQ(connections[0].received.size(), 1U);
    const auto input = nlohmann::json::parse(connections[0].received[0]);
    EXPECT_EQ(input.value("runId", ""), result.run_id);
    EXPECT_EQ(input.at("messages").at(0).value("content", ""), "What is the status of my order?");
}

TEST_P(AgUiDoubleTest, RunErrorIsAnAgentErrorWithItsMessageAndCode) {
    AgentServerDouble server(double_with(
        Script()
            .event(event("RUN_STARTED"))
            .event(event("RUN_ERROR", {{"message", "model overloaded"}, {"code", "OVERLOADED"}}))));
    const JourneyResult result = run_against(server);

    ASSERT_TRUE(result.failure) << result.to_string();
    EXPECT_EQ(result.failure->kind, FailureKind::agent_error) << result.to_string();
    EXPECT_EQ(result.failure->error_type, "RUN_ERROR");
    EXPECT_EQ(result.failure->message, "model overloaded (code OVERLOADED)");
}

TEST_P(AgUiDoubleTest, ToolCallNeverEndedFails) {
    // Events: RUN_STARTED, REASONING_START, REASONING_END, TOOL_CALL_START, TOOL_CALL_END, ...
    expect_violation(Script::golden_path(ag_ui()).drop_event(4), "tool_open_at_completion");
}

TEST_P(AgUiDoubleTest, NoRunStartedFails) {
    expect_violation(Script::golden_path(ag_ui()).drop_event(0), "first_not_started");
}

TEST_P(AgUiDoubleTest, ReasoningNeverEndedIsUnpaired) {
    expect_violation(Script::golden_path(ag_ui()).drop_event(2), "unpaired");
}

TEST_P(AgUiDoubleTest, WrongTokenIsAuthRejected) {
    AgentServerDoubleOptions options = double_with(Script::golden_path(ag_ui()));
    options.tokens = {"the-right-token"};
    AgentServerDouble server(options);
    const JourneyResult result = run_against(server);

    ASSERT_TRUE(result.failure) << result.to_string();
    EXPECT_EQ(result.failure->kind, FailureKind::auth_rejected) << result.to_string();
    EXPECT_EQ(result.failure->http_status, 401);
}

INSTANTIATE_TEST_SUITE_P(Transports, AgUiDoubleTest, testing::Values("http", "https", "ws", "wss"),
                         [](const testing::TestParamInfo<std::string>& param_info) {
                             return param_info.param;
                         });

// agent-chat-v1 journeys over an event stream: no ready event comes before the start message.
ProtocolProfile chat_over_event_stream() {
    ProtocolProfile profile = default_profile();
    profile.wait_for_ready = false;
    return profile;
}

TEST(EventStreamDoubleTest, AStartMessageOfAnotherProfileIsABadRequestNamingTheProfile) {
    AgentServerDoubleOptions options;
    options.profile = ag_ui();
    AgentServerDouble server(options);
    auto journey = journey_to(server.event_stream_url(), server, chat_over_event_stream());
    journey.config.url.path = "/agent";
    const JourneyResult result = GoldenPathJourney(journey).run();

    ASSERT_TRUE(result.failure) << result.to_string();
    EXPECT_EQ(result.failure->kind, FailureKind::http_status) << result.to_string();
    EXPECT_EQ(result.failure->http_status, 400);
    EXPECT_THAT(result.failure->body_excerpt,
                HasSubstr("not a start message of protocol profile ag-ui"));
    const auto connections = server.connections();
    ASSERT_EQ(connections.size(), 1U);
    EXPECT_FALSE(connections[0].upgraded);
    EXPECT_EQ(connections[0].rejected_status, 400);
}

TEST(EventStreamDoubleTest, HandleFramesAreEventsAndItsCloseEndsTheStream) {
    AgentServerDoubleOptions options;
    options.script = Script().stall();
    options.on_connection = [](const std::shared_ptr<ServerConnection>& connection) {
        connection->ping("keep-alive");
        connection->send_text(R"({"type":"agent_started","agent_name":"triage_agent"})");
        connection->close(1011, "the stream's end carries no code");
    };
    AgentServerDouble server(options);
    const JourneyResult result =
        GoldenPathJourney(journey_to(server.event_stream_url(), server, chat_over_event_stream()))
            .run();

    ASSERT_TRUE(result.failure) << result.to_string();
    EXPECT_EQ(result.failure->kind_label(), "closed(1006)") << result.to_string();
    EXPECT_EQ(result.failure->after_event, 1U) << result.to_string();
    EXPECT_THAT(frame_types(result), ElementsAre("agent_started"));
}

TEST(EventStreamDoubleTest, AClientThatLeavesEndsItsConnection) {
    AgentServerDoubleOptions options;
    options.script = Script().stall();
    AgentServerDouble server(options);
    JourneyOptions journey =
        journey_to(server.event_stream_url(), server, chat_over_event_stream());
    // Waited out (the script stalls), so shorter than the other phases.
    journey.config.timeouts.first_event = scaled(Milliseconds{100});
    const JourneyResult result = GoldenPathJourney(std::move(journey)).run();
    ASSERT_TRUE(result.failure) << result.to_string();
    EXPECT_EQ(result.failure->kind_label(), "timeout(first_event)") << result.to_string();

    // The journey closed its socket: the double's stream ends instead of waiting for a reader.
    EXPECT_EQ(server.wait_closed(1, Clock::now() + scaled(Milliseconds{2000})), 1006);
}

// Retries over an event stream: a 5xx answer to the POST is retried like a refused upgrade, a
// 4xx is not, nor a connection lost after the POST was written (the agent may be running it).
std::size_t attempts_until_failure(AgentServerDoubleOptions options, FailureKind expected_kind) {
    AgentServerDouble server(std::move(options));
    auto journey = journey_to(server.event_stream_url(), server, chat_over_event_stream());
    journey.config.retry.max_attempts = 3;
    journey.config.retry.initial_backoff = Milliseconds(1);
    journey.config.retry.max_backoff = Milliseconds(1);
    const JourneyResult result = GoldenPathJourney(journey).run();
    EXPECT_TRUE(result.failure) << result.to_string();
    if (!result.failure) {
        return 0;
    }
    EXPECT_EQ(result.failure->kind, expected_kind) << result.to_string();
    EXPECT_EQ(server.connections().size(), result.failure->attempts.size()) << result.to_string();
    return result.failure->attempts.size();
}

TEST(EventStreamDoubleTest, A5xxAnswerIsRetriedA4xxIsNot) {
    AgentServerDoubleOptions unavailable;
    unavailable.reject_upgrade_status = 503;
    EXPECT_EQ(attempts_until_failure(unavailable, FailureKind::http_status), 3U);
    AgentServerDoubleOptions not_found;
    not_found.reject_upgrade_status = 404;
    EXPECT_EQ(attempts_until_failure(not_found, FailureKind::http_status), 1U);
}

TEST(EventStreamDoubleTest, AConnectionLostAfterThePostIsNotRetried) {
    AgentServerDoubleOptions dropping;
    dropping.upgrade_fault_for = [](const RecordedConnection&) { return UpgradeFault::close; };
    EXPECT_EQ(attempts_until_failure(dropping, FailureKind::closed), 1U);
}

// A request whose Content-Length is over the double's 1 MiB body limit is answered 400 before its
// body is read, and the double goes on serving.
TEST(EventStreamDoubleTest, ABodyOverTheLimitIsRefusedAndTheDoubleServesOn) {
    AgentServerDoubleOptions options;
    AgentServerDouble server(options);
    namespace net = boost::asio;
    namespace beast = boost::beast;
    namespace http = beast::http;
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    http::request<http::empty_body> request(http::verb::post, "/ws", 11);
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::content_type, "application/json");
    request.set(http::field::content_length, std::to_string(8U * 1024U * 1024U));
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    beast::error_code result_ec;
    stream.expires_after(scaled(Milliseconds{2000}));
    stream.async_connect(
        net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()),
        [&](beast::error_code ec) {
            if (ec) {
                result_ec = ec;
                return;
            }
            // The header only: the double must answer without waiting for 8 MiB.
            auto serializer = std::make_shared<http::request_serializer<http::empty_body>>(request);
            http::async_write_header(
                stream, *serializer, [&, serializer](beast::error_code write_ec, std::size_t) {
                    if (write_ec) {
                        result_ec = write_ec;
                        return;
                    }
                    http::async_read(
                        stream, buffer, response,
                        [&](beast::error_code read_ec, std::size_t) { result_ec = read_ec; });
                });
        });
    ioc.run();

    ASSERT_FALSE(result_ec) << result_ec.message();
    EXPECT_EQ(response.result_int(), 400U);
    const JourneyResult result =
        GoldenPathJourney(journey_to(server.event_stream_url(), server, chat_over_event_stream()))
            .run();
    EXPECT_TRUE(result.passed()) << result.to_string();
}

}  // namespace
}  // namespace goldenpath
