// Testing the service's own client code with goldenpath's MockWebSocketClient: no sockets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/fixtures/mock_websocket_client.hpp"
#include "order_status_client.hpp"

namespace {

using goldenpath::fixtures::frame_result;
using goldenpath::fixtures::MockWebSocketClient;
using goldenpath::fixtures::timeout_result;
using testing::_;
using testing::HasSubstr;
using testing::Return;

TEST(OrderStatusClientTest, ReturnsTheAgentsFinalResponse) {
    MockWebSocketClient client;
    EXPECT_CALL(client, connect(_)).WillOnce(Return(std::nullopt));
    EXPECT_CALL(client, send_text(HasSubstr("Where is order 42?"))).WillOnce(Return(std::nullopt));
    EXPECT_CALL(client, receive(_))
        .WillOnce(Return(frame_result(R"({"type":"agent_started","agent_name":"orders"})")))
        .WillOnce(Return(
            frame_result(R"({"type":"agent_completed","data":{"final_response":"Shipped."}})")));
    EXPECT_CALL(client, close(1000, _, _));

    const auto status = orders::ask_order_status(client, "ws://127.0.0.1:8080/ws", "42");

    EXPECT_EQ(status.answer, "Shipped.");
}

TEST(OrderStatusClientTest, SilenceIsAnErrorNotAHang) {
    MockWebSocketClient client;
    EXPECT_CALL(client, connect(_)).WillOnce(Return(std::nullopt));
    EXPECT_CALL(client, send_text(_)).WillOnce(Return(std::nullopt));
    EXPECT_CALL(client, receive(_)).WillOnce(Return(timeout_result()));
    EXPECT_CALL(client, close(_, _, _));

    const auto status = orders::ask_order_status(client, "ws://127.0.0.1:8080/ws", "42");

    EXPECT_FALSE(status.answer);
    EXPECT_EQ(status.error, "no agent_completed");
}

}  // namespace
