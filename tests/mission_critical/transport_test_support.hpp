#pragma once
// Helpers shared by the transport tests (BeastClient and AgentServerDouble driven directly).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/failure.hpp"
#include "goldenpath/url.hpp"
#include "goldenpath/websocket_client.hpp"

namespace goldenpath::test {

// A generous bound for frames that are already on their way.
inline constexpr std::chrono::seconds kWait{1};

// A request with the 300 ms connect and upgrade deadlines of DESIGN.md §6.
inline ConnectRequest request_for(const std::string& url) {
    ConnectRequest request;
    request.url = Url::parse(url);
    request.timeouts.connect = Milliseconds(300);
    request.timeouts.upgrade = Milliseconds(300);
    return request;
}

// Success of connect/send_text; on failure the message is the failure's one-line form.
inline testing::AssertionResult ok(const std::optional<Failure>& failure) {
    if (!failure) {
        return testing::AssertionSuccess();
    }
    return testing::AssertionFailure() << failure->to_string();
}

// Receives one frame and parses it; a non-frame result fails the test.
inline nlohmann::json receive_json(WebSocketClient& client) {
    const ReceiveResult result = client.receive(Clock::now() + kWait);
    EXPECT_EQ(result.status, ReceiveResult::Status::frame)
        << "close " << result.close.code << " " << result.close.reason;
    if (result.status != ReceiveResult::Status::frame) {
        return nlohmann::json();
    }
    return nlohmann::json::parse(result.frame.text, nullptr, false);
}

// A loopback port with nothing listening: bound by a double that is then destroyed.
inline std::uint16_t unused_port() {
    const AgentServerDouble server;
    return server.port();
}

}  // namespace goldenpath::test
