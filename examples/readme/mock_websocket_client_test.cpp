// README example: MockWebSocketClient for code that takes a WebSocketClient&.
// [readme:mock_websocket_client]
#include <optional>
#include <string>
#include <string_view>

#include "goldenpath/fixtures/mock_websocket_client.hpp"

using namespace goldenpath;
using goldenpath::fixtures::frame_result;
using goldenpath::fixtures::MockWebSocketClient;
using testing::_;
using testing::HasSubstr;
using testing::Optional;
using testing::Return;

// The code under test: asks a question, returns the first frame of the answer.
std::optional<std::string> first_answer(WebSocketClient& client, std::string_view question) {
    if (client.send_text(question)) {
        return std::nullopt;
    }
    auto received = client.receive(Clock::now() + Milliseconds(300));
    if (received.status != ReceiveResult::Status::frame) {
        return std::nullopt;
    }
    return received.frame.text;
}

TEST(FirstAnswer, IsTheFirstFrame) {
    testing::StrictMock<MockWebSocketClient> client;
    EXPECT_CALL(client, send_text("Where is order 42?")).WillOnce(Return(std::nullopt));
    EXPECT_CALL(client, receive(_))
        .WillOnce(Return(frame_result(R"({"type":"agent_started","agent_name":"orders"})")));
    EXPECT_THAT(first_answer(client, "Where is order 42?"), Optional(HasSubstr("agent_started")));
}
// [end]
