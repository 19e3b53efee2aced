#pragma once
// The service's own code under test: it asks the agent for an order's status over any
// goldenpath::WebSocketClient and returns the agent's final answer.

#include <optional>
#include <string>

#include "goldenpath/websocket_client.hpp"

namespace orders {

struct OrderStatus {
    std::optional<std::string> answer;  // the agent's final_response
    std::string error;                  // why there is no answer
};

// Connects, sends a user_message about `order_id`, and reads until agent_completed.
OrderStatus ask_order_status(goldenpath::WebSocketClient& client, const std::string& url,
                             const std::string& order_id);

}  // namespace orders
