#pragma once
// Production code of the orders service: asks the agent about an order through the service's
// own AgentTransport. It includes no goldenpath header and its library links no goldenpath.

#include <optional>
#include <string>

#include "agent_transport.hpp"

namespace orders {

struct OrderAnswer {
    std::optional<std::string> answer;  // the agent's final_response
    std::string error;                  // why there is no answer
};

class OrderStatusService {
  public:
    OrderStatusService(AgentTransport& transport, std::string url, std::string token)
        : transport_(transport), url_(std::move(url)), token_(std::move(token)) {}

    // Opens the transport, sends a user_message about `order_id`, reads until agent_completed.
    OrderAnswer ask(const std::string& order_id);

  private:
    AgentTransport& transport_;
    std::string url_;
    std::string token_;
};

}  // namespace orders
