// Issue 13, item 11: a server that sends a close frame and keeps TCP open (it never sends its
// FIN) is reported as closed(code, reason) as soon as its close frame arrives, by BeastClient,
// AsyncWebSocketClient and GoldenPathJourney alike, well before any deadline; the closing
// handshake that follows has its own short deadline and holds nobody up.
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/async_websocket_client.hpp"
#include "goldenpath/beast_client.hpp"
#include "goldenpath/event_loop.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/timeout_scale.hpp"
#include "raw_frame_server.hpp"

namespace goldenpath {
namespace {

using test::close_frame;
using test::RawFrameServer;
using test::RawServerScript;
using test::text_frame;
using test::wire;
using testing::HasSubstr;

// Far beyond what the verdict may take: a client that waits for the server's FIN (or for this
// deadline) fails every test below.
const Milliseconds kLongDeadline = scaled(Milliseconds{5000});
// The verdict must come well before the deadline.
const double kPromptMs = 1000 * timeout_scale();

// connection_established and agent_started, then the server's close frame; echo_close is off, so
// the server neither answers the client's close nor ever closes TCP.
RawFrameServer closing_server(int code, std::string_view reason) {
    RawServerScript script;
    script.after_upgrade =
        wire({text_frame(R"({"type":"connection_established","data":{"connection_id":"c-1"}})"),
              text_frame(R"({"type":"agent_started","agent_name":"triage"})"),
              close_frame(code, reason)});
    script.echo_close = false;
    return RawFrameServer(std::move(script));
}

ConnectRequest request_for(const RawFrameServer& server) {
    ConnectRequest request;
    request.url = Url::parse(server.url());
    return request;
}

TEST(ServerCloseTest, BeastClientReportsTheCloseFrameAtOnce) {
    RawFrameServer server = closing_server(1011, "bye");
    BeastClient client;
    ASSERT_FALSE(client.connect(request_for(server)));
    for (int i = 0; i < 2; ++i) {
        ASSERT_EQ(client.receive(Clock::now() + kLongDeadline).status,
                  ReceiveResult::Status::frame);
    }

    const auto started = Clock::now();
    const auto closed = client.receive(Clock::now() + kLongDeadline);
    const double waited = elapsed_ms(started, Clock::now());
    ASSERT_EQ(closed.status, ReceiveResult::Status::closed);
    EXPECT_EQ(closed.close.code, 1011);
    EXPECT_EQ(closed.close.reason, "bye");
    EXPECT_LT(waited, kPromptMs) << "the close frame was reported only after " << waited << " ms";

    const auto close_started = Clock::now();
    client.close(1000, "done", Clock::now() + kLongDeadline);
    EXPECT_LT(elapsed_ms(close_started, Clock::now()), kPromptMs);
}

TEST(ServerCloseTest, AsyncClientReportsTheCloseFrameAtOnce) {
    RawFrameServer server = closing_server(1011, "bye");
    EventLoop loop;
    AsyncWebSocketClient client(loop);
    std::promise<std::optional<Failure>> connected;
    client.async_connect(request_for(server),
                         [&](std::optional<Failure> failure) { connected.set_value(failure); });
    auto connect_result = connected.get_future();
    ASSERT_EQ(connect_result.wait_for(kLongDeadline), std::future_status::ready);
    ASSERT_FALSE(connect_result.get());

    std::vector<ReceiveResult> results;
    for (int i = 0; i < 3; ++i) {
        std::promise<ReceiveResult> received;
        client.async_receive(Clock::now() + kLongDeadline,
                             [&](ReceiveResult result) { received.set_value(std::move(result)); });
        auto future = received.get_future();
        const auto started = Clock::now();
        ASSERT_EQ(future.wait_for(kLongDeadline + Milliseconds(1000)), std::future_status::ready);
        results.push_back(future.get());
        EXPECT_LT(elapsed_ms(started, Clock::now()), kPromptMs) << "receive " << i;
    }
    EXPECT_EQ(results[1].status, ReceiveResult::Status::frame);
    ASSERT_EQ(results[2].status, ReceiveResult::Status::closed);
    EXPECT_EQ(results[2].close.code, 1011);
    EXPECT_EQ(results[2].close.reason, "bye");
}

TEST(ServerCloseTest, JourneyFailsAsClosedAfterTheEventsBeforeIt) {
    RawFrameServer server = closing_server(1011, "bye");
    JourneyOptions options;
    options.config.url = Url::parse(server.url());
    options.config.timeouts.first_event = kLongDeadline;
    options.config.timeouts.max_gap = kLongDeadline;
    options.config.timeouts.completion = kLongDeadline;
    const auto started = Clock::now();
    const JourneyResult result = GoldenPathJourney(std::move(options)).run();
    const double took = elapsed_ms(started, Clock::now());

    ASSERT_TRUE(result.failure) << result.to_string();
    EXPECT_EQ(result.failure->kind_label(), "closed(1011)") << result.to_string();
    EXPECT_EQ(result.failure->close_reason, "bye");
    EXPECT_EQ(result.failure->after_event, std::optional<std::size_t>(1));
    EXPECT_LT(took, kPromptMs) << result.to_string();
}

// A close code no endpoint may send (RFC 6455 §7.4): Beast rejects 999 without telling anyone
// which code it was, and takes 5000 as valid. Either way the verdict names the code, at once,
// even with a closing handshake as long as the journey's deadlines.
class InvalidCloseCodeTest : public testing::TestWithParam<int> {};

TEST_P(InvalidCloseCodeTest, BeastClientNamesTheCodeAtOnce) {
    const int code = GetParam();
    RawFrameServer server = closing_server(code, "odd");
    BeastClient client;
    ConnectRequest request = request_for(server);
    request.timeouts.close = kLongDeadline;
    ASSERT_FALSE(client.connect(request));
    for (int i = 0; i < 2; ++i) {
        ASSERT_EQ(client.receive(Clock::now() + kLongDeadline).status,
                  ReceiveResult::Status::frame);
    }

    const auto started = Clock::now();
    const auto result = client.receive(Clock::now() + kLongDeadline);
    const double waited = elapsed_ms(started, Clock::now());
    ASSERT_EQ(result.status, ReceiveResult::Status::error) << result.failure.to_string();
    EXPECT_EQ(result.failure.kind_label(), "closed(" + std::to_string(code) + ")")
        << result.failure.to_string();
    EXPECT_THAT(result.failure.detail,
                HasSubstr("invalid close code " + std::to_string(code) + " (RFC 6455 §7.4)"));
    EXPECT_EQ(result.failure.close_reason, "odd");
    EXPECT_LT(waited, kPromptMs) << "the close frame was reported only after " << waited << " ms";
}

TEST_P(InvalidCloseCodeTest, JourneyFailsAsClosedWithTheCodeNamed) {
    const int code = GetParam();
    RawFrameServer server = closing_server(code, "odd");
    JourneyOptions options;
    options.config.url = Url::parse(server.url());
    options.config.timeouts.first_event = kLongDeadline;
    options.config.timeouts.max_gap = kLongDeadline;
    options.config.timeouts.completion = kLongDeadline;
    options.config.timeouts.close = kLongDeadline;
    const auto started = Clock::now();
    const JourneyResult result = GoldenPathJourney(std::move(options)).run();
    const double took = elapsed_ms(started, Clock::now());

    ASSERT_TRUE(result.failure) << result.to_string();
    EXPECT_EQ(result.failure->kind_label(), "closed(" + std::to_string(code) + ")")
        << result.to_string();
    EXPECT_THAT(result.to_string(), HasSubstr("invalid close code " + std::to_string(code)));
    EXPECT_EQ(result.failure->after_event, std::optional<std::size_t>(1));
    EXPECT_LT(took, kPromptMs) << result.to_string();
}

INSTANTIATE_TEST_SUITE_P(ServerCloseTest, InvalidCloseCodeTest,
                         testing::Values(999, 1005, 1006, 1015, 5000));

}  // namespace
}  // namespace goldenpath
