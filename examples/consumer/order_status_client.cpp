#include "order_status_client.hpp"

#include <nlohmann/json.hpp>

#include "goldenpath/event.hpp"
#include "goldenpath/protocol_profile.hpp"

namespace orders {

OrderStatus ask_order_status(goldenpath::WebSocketClient& client, const std::string& url,
                             const std::string& order_id) {
    const auto profile = goldenpath::default_profile();
    goldenpath::ConnectRequest request;
    request.url = goldenpath::Url::parse(url);
    if (auto failure = client.connect(request)) {
        return {std::nullopt, failure->to_string()};
    }
    const std::string message = "Where is order " + order_id + "?";
    if (auto failure = client.send_text(profile.start_message(message, "orders", order_id))) {
        return {std::nullopt, failure->to_string()};
    }
    const auto deadline = goldenpath::Clock::now() + std::chrono::seconds(5);
    while (true) {
        auto received = client.receive(deadline);
        if (received.status != goldenpath::ReceiveResult::Status::frame) {
            client.close(1000, "giving up", goldenpath::Clock::now() + std::chrono::seconds(1));
            return {std::nullopt, "no agent_completed"};
        }
        auto parsed = goldenpath::parse_event(received.frame.text, profile);
        auto* event = std::get_if<goldenpath::Event>(&parsed);
        if (event != nullptr && event->type == profile.agent_completed) {
            client.close(1000, "done", goldenpath::Clock::now() + std::chrono::seconds(1));
            const auto* answer = profile.find_field(event->body, "final_response");
            if (answer != nullptr && answer->is_string()) {
                return {answer->get<std::string>(), {}};
            }
            return {std::nullopt, "agent_completed without final_response"};
        }
    }
}

}  // namespace orders
