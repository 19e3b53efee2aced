// How code that takes a WebSocketClient& is tested with MockWebSocketClient: here the code under
// test is GoldenPathJourney itself, driven frame by frame without sockets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/fixtures/mock_websocket_client.hpp"
#include "goldenpath/golden_path_journey.hpp"

namespace goldenpath {
namespace {

using fixtures::closed_result;
using fixtures::FailsWith;
using fixtures::FollowsGoldenPath;
using fixtures::frame_result;
using fixtures::MockWebSocketClient;
using fixtures::timeout_result;
using testing::_;
using testing::AllOf;
using testing::Contains;
using testing::Field;
using testing::HasSubstr;
using testing::Pair;
using testing::Return;

JourneyOptions mock_options() {
    JourneyOptions options;
    options.config.url = Url::parse("ws://127.0.0.1:8080/ws");
    options.config.tokens = {Secret("tok-mock-789")};
    options.thread_id = "thread-1";
    options.run_id = "run-1";
    return options;
}

TEST(JourneyWithMockClientTest, FollowsTheGoldenPathFromScriptedFrames) {
    MockWebSocketClient client;
    EXPECT_CALL(client, connect(Field(&ConnectRequest::headers,
                                      Contains(Pair("Authorization", "Bearer tok-mock-789")))))
        .WillOnce(Return(std::nullopt));
    EXPECT_CALL(client, send_text(AllOf(HasSubstr("\"user_message\""), HasSubstr("run-1"))))
        .WillOnce(Return(std::nullopt));
    EXPECT_CALL(client, receive(_))
        .WillOnce(Return(frame_result(R"({"type":"connection_established","data":{}})")))
        .WillOnce(
            Return(frame_result(R"({"type":"agent_started","run_id":"run-1","agent_name":"a"})")))
        .WillOnce(Return(
            frame_result(R"({"type":"agent_thinking","run_id":"run-1","data":{"thought":"t"}})")))
        .WillOnce(Return(
            frame_result(R"({"type":"tool_executing","run_id":"run-1","data":{"tool_name":"s"}})")))
        .WillOnce(Return(frame_result(
            R"({"type":"tool_completed","run_id":"run-1","data":{"tool_name":"s","result":1}})")))
        .WillOnce(Return(frame_result(
            R"({"type":"agent_completed","run_id":"run-1","data":{"status":"done"}})")));
    EXPECT_CALL(client, close(1000, _, _)).WillOnce(Return(std::vector<ReceivedFrame>{}));

    const auto result = GoldenPathJourney(mock_options()).run(client);

    EXPECT_THAT(result, FollowsGoldenPath());
}

TEST(JourneyWithMockClientTest, FrameArrivingWhileClosingIsJudged) {
    MockWebSocketClient client;
    EXPECT_CALL(client, connect(_)).WillOnce(Return(std::nullopt));
    EXPECT_CALL(client, send_text(_)).WillOnce(Return(std::nullopt));
    EXPECT_CALL(client, receive(_))
        .WillOnce(Return(frame_result(R"({"type":"connection_established"})")))
        .WillOnce(Return(frame_result(R"({"type":"agent_started","agent_name":"a"})")))
        .WillOnce(Return(frame_result(R"({"type":"agent_thinking","reasoning":"r"})")))
        .WillOnce(Return(frame_result(R"({"type":"tool_executing","tool_name":"s"})")))
        .WillOnce(Return(frame_result(R"({"type":"tool_completed","tool_name":"s","results":[]})")))
        .WillOnce(Return(frame_result(R"({"type":"agent_completed","final_response":"f"})")));
    std::vector<ReceivedFrame> late{
        {R"({"type":"agent_thinking","reasoning":"late"})", false, Clock::now()}};
    EXPECT_CALL(client, close(_, _, _)).WillOnce(Return(late));

    const auto result = GoldenPathJourney(mock_options()).run(client);

    EXPECT_THAT(result, FailsWith(FailureKind::protocol_violation,
                                  "protocol_violation(event_after_completion)"));
}

TEST(JourneyWithMockClientTest, CloseWith1008DuringRunIsAuthRejected) {
    MockWebSocketClient client;
    EXPECT_CALL(client, connect(_)).WillOnce(Return(std::nullopt));
    EXPECT_CALL(client, send_text(_)).WillOnce(Return(std::nullopt));
    EXPECT_CALL(client, receive(_))
        .WillOnce(Return(frame_result(R"({"type":"connection_established"})")))
        .WillOnce(Return(closed_result(1008, "policy violation")));
    EXPECT_CALL(client, close(_, _, _)).Times(0);

    const auto result = GoldenPathJourney(mock_options()).run(client);

    EXPECT_THAT(result, FailsWith(FailureKind::auth_rejected));
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->close_code, 1008);
}

TEST(JourneyWithMockClientTest, AuthFailedErrorMessageBeforeTheRunIsAuthRejected) {
    MockWebSocketClient client;
    EXPECT_CALL(client, connect(_)).WillOnce(Return(std::nullopt));
    EXPECT_CALL(client, receive(_))
        .WillOnce(Return(frame_result(
            R"({"type":"error_message","error_code":"AUTH_FAILED","message":"token expired"})")));
    EXPECT_CALL(client, send_text(_)).Times(0);
    EXPECT_CALL(client, close(_, _, _)).WillOnce(Return(std::vector<ReceivedFrame>{}));

    const auto result = GoldenPathJourney(mock_options()).run(client);

    EXPECT_THAT(result, FailsWith(FailureKind::auth_rejected));
    EXPECT_EQ(result.failure->message, "token expired");
}

// The codes are profile data, read from error_code_fields too (ag-ui's "code").
TEST(JourneyWithMockClientTest, AnAuthFailureCodeOfTheProfileBeforeTheRunIsAuthRejected) {
    MockWebSocketClient client;
    EXPECT_CALL(client, connect(_)).WillOnce(Return(std::nullopt));
    EXPECT_CALL(client, receive(_))
        .WillOnce(
            Return(frame_result(R"({"type":"error_message","code":"DENIED","message":"no"})")));
    EXPECT_CALL(client, send_text(_)).Times(0);
    EXPECT_CALL(client, close(_, _, _)).WillOnce(Return(std::vector<ReceivedFrame>{}));
    auto options = mock_options();
    options.profile.auth_failure_codes = {"DENIED"};
    options.profile.error_code_fields = {"code"};

    const auto result = GoldenPathJourney(options).run(client);

    EXPECT_THAT(result, FailsWith(FailureKind::auth_rejected));
    EXPECT_EQ(result.failure->message, "no (code DENIED)");
}

TEST(JourneyWithMockClientTest, NoReadyFrameIsTimeoutReady) {
    MockWebSocketClient client;
    EXPECT_CALL(client, connect(_)).WillOnce(Return(std::nullopt));
    EXPECT_CALL(client, receive(_)).WillOnce(Return(timeout_result()));
    EXPECT_CALL(client, close(_, _, _)).WillOnce(Return(std::vector<ReceivedFrame>{}));

    const auto result = GoldenPathJourney(mock_options()).run(client);

    EXPECT_THAT(result, FailsWith(FailureKind::timeout, "timeout(ready)"));
}

TEST(JourneyWithMockClientTest, ConnectFailureIsReturnedAsIs) {
    MockWebSocketClient client;
    Failure refused;
    refused.kind = FailureKind::refused;
    EXPECT_CALL(client, connect(_)).WillOnce(Return(refused));
    EXPECT_CALL(client, send_text(_)).Times(0);

    EXPECT_THAT(GoldenPathJourney(mock_options()).run(client), FailsWith(FailureKind::refused));
}

}  // namespace
}  // namespace goldenpath
