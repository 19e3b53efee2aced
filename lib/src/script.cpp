#include "goldenpath/script.hpp"

#include <stdexcept>
#include <string>
#include <utility>

namespace goldenpath {
namespace {

// An event of `type` whose details go into the profile's first detail container, or at the root
// when the profile has none.
nlohmann::json make_event(const ProtocolProfile& profile, const std::string& type,
                          nlohmann::json details) {
    nlohmann::json event = nlohmann::json::object();
    event[profile.type_field] = type;
    if (profile.detail_containers.empty()) {
        for (auto& [key, value] : details.items()) {
            event[key] = value;
        }
    } else {
        event[profile.detail_containers.front()] = std::move(details);
    }
    return event;
}

nlohmann::json started(const ProtocolProfile& profile) {
    nlohmann::json event =
        make_event(profile, profile.agent_started, {{"agent_name", "triage_agent"}});
    event["agent_name"] = "triage_agent";
    return event;
}

nlohmann::json thinking(const ProtocolProfile& profile) {
    return make_event(profile, profile.agent_thinking, {{"reasoning", "Looking up the order"}});
}

nlohmann::json executing(const ProtocolProfile& profile, const std::string& tool,
                         const std::string& call_id) {
    return make_event(profile, profile.tool_executing,
                      {{"tool_name", tool}, {"tool_call_id", call_id}});
}

nlohmann::json completed_tool(const ProtocolProfile& profile, const std::string& tool,
                              const std::string& call_id, nlohmann::json results) {
    return make_event(
        profile, profile.tool_completed,
        {{"tool_name", tool}, {"tool_call_id", call_id}, {"results", std::move(results)}});
}

nlohmann::json completed(const ProtocolProfile& profile) {
    return make_event(profile, profile.agent_completed,
                      {{"final_response", "Your order has shipped."}});
}

ScriptStep event_step(nlohmann::json event) {
    ScriptStep step;
    step.kind = ScriptStep::Kind::event;
    step.event = std::move(event);
    return step;
}

}  // namespace

Script Script::golden_path(const ProtocolProfile& profile) {
    Script script;
    script.event(started(profile))
        .event(thinking(profile))
        .event(executing(profile, "order_lookup", "call-1"))
        .event(completed_tool(profile, "order_lookup", "call-1", {{"status", "shipped"}}))
        .event(completed(profile));
    return script;
}

Script Script::with_tools(std::size_t tools, const ProtocolProfile& profile) {
    Script script;
    script.event(started(profile)).event(thinking(profile));
    for (std::size_t i = 1; i <= tools; ++i) {
        const std::string tool = "tool_" + std::to_string(i);
        const std::string call_id = "call-" + std::to_string(i);
        script.event(executing(profile, tool, call_id))
            .event(completed_tool(profile, tool, call_id, {{"status", "done"}}));
    }
    script.event(completed(profile));
    return script;
}

Script& Script::event(nlohmann::json event) {
    steps_.push_back(event_step(std::move(event)));
    return *this;
}

Script& Script::send_raw(std::string text) {
    ScriptStep step;
    step.kind = ScriptStep::Kind::send_raw;
    step.text = std::move(text);
    steps_.push_back(std::move(step));
    return *this;
}

Script& Script::close(int code, std::string reason) {
    ScriptStep step;
    step.kind = ScriptStep::Kind::close;
    step.close_code = code;
    step.text = std::move(reason);
    steps_.push_back(std::move(step));
    return *this;
}

Script& Script::delay(Milliseconds duration) {
    ScriptStep step;
    step.kind = ScriptStep::Kind::delay;
    step.delay = duration;
    steps_.push_back(std::move(step));
    return *this;
}

Script& Script::stall() {
    ScriptStep step;
    step.kind = ScriptStep::Kind::stall;
    steps_.push_back(std::move(step));
    return *this;
}

Script& Script::ping(std::string payload) {
    if (payload.size() > 125) {
        throw std::invalid_argument("script ping payload must be at most 125 bytes, but has " +
                                    std::to_string(payload.size()));
    }
    ScriptStep step;
    step.kind = ScriptStep::Kind::ping;
    step.text = std::move(payload);
    steps_.push_back(std::move(step));
    return *this;
}

Script& Script::reset() {
    ScriptStep step;
    step.kind = ScriptStep::Kind::reset;
    steps_.push_back(std::move(step));
    return *this;
}

Script& Script::send_binary(std::string bytes) {
    ScriptStep step;
    step.kind = ScriptStep::Kind::send_binary;
    step.text = std::move(bytes);
    steps_.push_back(std::move(step));
    return *this;
}

Script& Script::drop_event(std::size_t event_index) {
    const std::size_t step = step_of_event(event_index);
    steps_.erase(steps_.begin() + static_cast<std::ptrdiff_t>(step));
    return *this;
}

Script& Script::duplicate_event(std::size_t event_index) {
    const std::size_t step = step_of_event(event_index);
    ScriptStep copy = steps_[step];
    steps_.insert(steps_.begin() + static_cast<std::ptrdiff_t>(step + 1), std::move(copy));
    return *this;
}

Script& Script::swap_events(std::size_t first, std::size_t second) {
    const std::size_t a = step_of_event(first);
    const std::size_t b = step_of_event(second);
    std::swap(steps_[a], steps_[b]);
    return *this;
}

Script& Script::insert_before_event(std::size_t event_index, ScriptStep step) {
    std::size_t position = steps_.size();
    if (event_index < event_count()) {
        position = step_of_event(event_index);
    }
    steps_.insert(steps_.begin() + static_cast<std::ptrdiff_t>(position), std::move(step));
    return *this;
}

std::size_t Script::event_count() const {
    std::size_t count = 0;
    for (const auto& step : steps_) {
        if (step.kind == ScriptStep::Kind::event) {
            ++count;
        }
    }
    return count;
}

std::size_t Script::step_of_event(std::size_t event_index) const {
    std::size_t seen = 0;
    for (std::size_t i = 0; i < steps_.size(); ++i) {
        if (steps_[i].kind != ScriptStep::Kind::event) {
            continue;
        }
        if (seen == event_index) {
            return i;
        }
        ++seen;
    }
    throw std::out_of_range("script event index " + std::to_string(event_index) +
                            " is out of range: the script has " + std::to_string(seen) + " events");
}

}  // namespace goldenpath
