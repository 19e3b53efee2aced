#include "order_status_service.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

namespace orders {

OrderAnswer OrderStatusService::ask(const std::string& order_id) {
    if (auto error = transport_.open(url_, token_)) {
        return {std::nullopt, "cannot open: " + *error};
    }
    const nlohmann::json message = {{"type", "user_message"},
                                    {"payload",
                                     {{"content", "Where is order " + order_id + "?"},
                                      {"thread_id", "orders"},
                                      {"run_id", "order-" + order_id}}}};
    if (auto error = transport_.send(message.dump())) {
        transport_.close();
        return {std::nullopt, "cannot send: " + *error};
    }
    // Bounded: at most 100 messages, each within 2 s.
    for (int received = 0; received < 100; ++received) {
        const auto text = transport_.receive(std::chrono::seconds(2));
        if (!text) {
            break;
        }
        const auto event = nlohmann::json::parse(*text, nullptr, false);
        if (!event.is_object() || event.value("type", "") != "agent_completed") {
            continue;
        }
        transport_.close();
        const auto data = event.find("data");
        if (data != event.end() && data->is_object() && data->contains("final_response") &&
            (*data)["final_response"].is_string()) {
            return {(*data)["final_response"].get<std::string>(), {}};
        }
        return {std::nullopt, "agent_completed without final_response"};
    }
    transport_.close();
    return {std::nullopt, "no agent_completed"};
}

}  // namespace orders
