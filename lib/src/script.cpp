#include "goldenpath/script.hpp"

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "goldenpath/config_error.hpp"

namespace goldenpath {
namespace {

constexpr const char* kScriptErrorId = "goldenpath.script";

// A bad argument of a fault builder: "[goldenpath.script] (close_before_event: code) must be a
// close code 1000-4999, but is 99".
[[noreturn]] void bad_argument(const char* builder, const char* argument,
                               const std::string& requirement, const std::string& actual) {
    throw ConfigError(kScriptErrorId, std::string(builder) + ": " + argument, requirement, actual);
}

ScriptStep close_step(const char* builder, int code, std::string reason) {
    if (code < 1000 || code > 4999) {
        bad_argument(builder, "code", "must be a close code 1000-4999", std::to_string(code));
    }
    // A close frame's payload is at most 125 bytes: 2 for the code, 123 for the reason.
    if (reason.size() > 123) {
        bad_argument(builder, "reason", "must be at most 123 bytes",
                     std::to_string(reason.size()) + " bytes");
    }
    ScriptStep step;
    step.kind = ScriptStep::Kind::close;
    step.close_code = code;
    step.text = std::move(reason);
    return step;
}

ScriptStep text_step(ScriptStep::Kind kind, std::string text) {
    ScriptStep step;
    step.kind = kind;
    step.text = std::move(text);
    return step;
}

ScriptStep delay_step(const char* builder, Milliseconds duration) {
    if (duration.count() < 0 || duration.count() > 600000) {
        bad_argument(builder, "duration", "must be 0-600000 ms",
                     std::to_string(duration.count()) + " ms");
    }
    ScriptStep step;
    step.kind = ScriptStep::Kind::delay;
    step.delay = duration;
    return step;
}

ScriptStep ping_step(const char* builder, std::string payload) {
    if (payload.size() > 125) {
        bad_argument(builder, "payload", "must be at most 125 bytes",
                     std::to_string(payload.size()) + " bytes");
    }
    return text_step(ScriptStep::Kind::ping, std::move(payload));
}

ScriptStep bare_step(ScriptStep::Kind kind) {
    ScriptStep step;
    step.kind = kind;
    return step;
}

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

// What a golden-path event carries besides its type: the fields the profile requires of its type
// (the first of each group), with the values below, and for tool events the call's id. Under
// agent-chat-v1 that is agent_name, reasoning, tool_name, results and final_response; under ag-ui
// toolCallName on TOOL_CALL_START only (the run's ids are added when the event is sent).
nlohmann::json required_details(const ProtocolProfile& profile, const std::string& type,
                                const nlohmann::json& values) {
    nlohmann::json details = nlohmann::json::object();
    const auto it = profile.required_fields.find(type);
    if (it == profile.required_fields.end()) {
        return details;
    }
    for (const auto& group : it->second) {
        if (group.empty() || group.front() == profile.thread_id_field ||
            group.front() == profile.run_id_field) {
            continue;
        }
        const std::string& field = group.front();
        details[field] = values.contains(field) ? values.at(field) : nlohmann::json("golden-path");
    }
    return details;
}

nlohmann::json started(const ProtocolProfile& profile) {
    nlohmann::json event = make_event(
        profile, profile.agent_started,
        required_details(profile, profile.agent_started, {{"agent_name", "triage_agent"}}));
    if (!profile.detail_containers.empty() && event.contains(profile.detail_containers.front()) &&
        event[profile.detail_containers.front()].contains("agent_name")) {
        event["agent_name"] = "triage_agent";  // agent-chat-v1 servers repeat it at the root
    }
    return event;
}

nlohmann::json thinking(const ProtocolProfile& profile) {
    return make_event(
        profile, profile.agent_thinking,
        required_details(profile, profile.agent_thinking, {{"reasoning", "Looking up the order"}}));
}

// The field that carries a tool call's id: the profile's first, "tool_call_id" when it has none.
std::string call_id_field(const ProtocolProfile& profile) {
    return profile.tool_call_id_fields.empty() ? std::string("tool_call_id")
                                               : profile.tool_call_id_fields.front();
}

nlohmann::json tool_event(const ProtocolProfile& profile, const std::string& type,
                          const std::string& tool, const std::string& call_id,
                          nlohmann::json results) {
    nlohmann::json details = required_details(
        profile, type,
        {{profile.tool_name_field, tool}, {"results", std::move(results)}, {"result", "shipped"}});
    details[call_id_field(profile)] = call_id;
    return make_event(profile, type, std::move(details));
}

nlohmann::json executing(const ProtocolProfile& profile, const std::string& tool,
                         const std::string& call_id) {
    return tool_event(profile, profile.tool_executing, tool, call_id, nullptr);
}

nlohmann::json completed_tool(const ProtocolProfile& profile, const std::string& tool,
                              const std::string& call_id, nlohmann::json results) {
    return tool_event(profile, profile.tool_completed, tool, call_id, std::move(results));
}

nlohmann::json completed(const ProtocolProfile& profile) {
    return make_event(profile, profile.agent_completed,
                      required_details(profile, profile.agent_completed,
                                       {{"final_response", "Your order has shipped."}}));
}

ScriptStep event_step(nlohmann::json event) {
    ScriptStep step;
    step.kind = ScriptStep::Kind::event;
    step.event = std::move(event);
    return step;
}

// The value of `field` in `event` (at the root or in its first detail container), if a string.
const nlohmann::json* event_field(const nlohmann::json& event, const ProtocolProfile& profile,
                                  const std::string& field) {
    const nlohmann::json* details = &event;
    if (!profile.detail_containers.empty() && event.contains(profile.detail_containers.front())) {
        details = &event.at(profile.detail_containers.front());
    }
    const auto it = details->find(field);
    return it != details->end() && it->is_string() ? &*it : nullptr;
}

// A golden path is valid under the profile's pairings too: an event that opens a span gets the
// span's id (when the event has none) and, unless a later event closes that span, the close right
// after it. AG-UI's REASONING_START is followed by REASONING_END; its TOOL_CALL_START is closed by
// the TOOL_CALL_END that completes the call.
std::vector<nlohmann::json> with_pairings_closed(std::vector<nlohmann::json> events,
                                                 const ProtocolProfile& profile) {
    if (profile.pairings.empty()) {
        return events;
    }
    std::vector<nlohmann::json> out;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const std::string type = events[i].value(profile.type_field, std::string());
        std::vector<nlohmann::json> closes;
        for (const EventPairing& pairing : profile.pairings) {
            if (pairing.open_type != type) {
                continue;
            }
            const nlohmann::json* id = event_field(events[i], profile, pairing.id_field);
            if (id == nullptr) {
                const bool contained = !profile.detail_containers.empty() &&
                                       events[i].contains(profile.detail_containers.front());
                nlohmann::json& details =
                    contained ? events[i][profile.detail_containers.front()] : events[i];
                details[pairing.id_field] = pairing.name + "-" + std::to_string(i + 1);
                id = &details[pairing.id_field];
            }
            const bool closed_later = std::any_of(
                events.begin() + static_cast<std::ptrdiff_t>(i) + 1, events.end(),
                [&](const nlohmann::json& later) {
                    const nlohmann::json* later_id = event_field(later, profile, pairing.id_field);
                    return later.value(profile.type_field, std::string()) == pairing.close_type &&
                           later_id != nullptr && *later_id == *id;
                });
            if (!closed_later) {
                closes.push_back(
                    make_event(profile, pairing.close_type, {{pairing.id_field, *id}}));
            }
        }
        out.push_back(std::move(events[i]));
        for (auto& close : closes) {
            out.push_back(std::move(close));
        }
    }
    return out;
}

Script events_script(std::vector<nlohmann::json> events, const ProtocolProfile& profile) {
    Script script;
    for (auto& event : with_pairings_closed(std::move(events), profile)) {
        script.event(std::move(event));
    }
    return script;
}

}  // namespace

Script Script::golden_path(const ProtocolProfile& profile) {
    return events_script(
        {started(profile), thinking(profile), executing(profile, "order_lookup", "call-1"),
         completed_tool(profile, "order_lookup", "call-1", {{"status", "shipped"}}),
         completed(profile)},
        profile);
}

Script Script::with_tools(std::size_t tools, const ProtocolProfile& profile) {
    std::vector<nlohmann::json> events = {started(profile), thinking(profile)};
    for (std::size_t i = 1; i <= tools; ++i) {
        const std::string tool = "tool_" + std::to_string(i);
        const std::string call_id = "call-" + std::to_string(i);
        events.push_back(executing(profile, tool, call_id));
        events.push_back(completed_tool(profile, tool, call_id, {{"status", "done"}}));
    }
    events.push_back(completed(profile));
    return events_script(std::move(events), profile);
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

Script& Script::insert_fault(const char* builder, std::size_t event_index, ScriptStep step) {
    const std::size_t count = event_count();
    if (event_index > count) {
        bad_argument(builder, "event_index",
                     "must be an event index 0-" + std::to_string(count) + " (" +
                         std::to_string(count) + ": after the last)",
                     std::to_string(event_index));
    }
    return insert_before_event(event_index, std::move(step));
}

Script& Script::insert_fault_after(const char* builder, std::size_t event_index, ScriptStep step) {
    const std::size_t count = event_count();
    if (count == 0) {
        bad_argument(builder, "event_index", "must name one of the script's events (none are left)",
                     std::to_string(event_index));
    }
    if (event_index >= count) {
        bad_argument(builder, "event_index",
                     "must be an event index 0-" + std::to_string(count - 1),
                     std::to_string(event_index));
    }
    return insert_before_event(event_index + 1, std::move(step));
}

Script& Script::close_before_event(std::size_t event_index, int code, std::string reason) {
    constexpr const char* builder = "close_before_event";
    return insert_fault(builder, event_index, close_step(builder, code, std::move(reason)));
}

Script& Script::close_after(std::size_t event_index, int code, std::string reason) {
    constexpr const char* builder = "close_after";
    return insert_fault_after(builder, event_index, close_step(builder, code, std::move(reason)));
}

Script& Script::send_raw_before_event(std::size_t event_index, std::string text) {
    return insert_fault("send_raw_before_event", event_index,
                        text_step(ScriptStep::Kind::send_raw, std::move(text)));
}

Script& Script::send_raw_after(std::size_t event_index, std::string text) {
    return insert_fault_after("send_raw_after", event_index,
                              text_step(ScriptStep::Kind::send_raw, std::move(text)));
}

Script& Script::send_binary_before_event(std::size_t event_index, std::string bytes) {
    return insert_fault("send_binary_before_event", event_index,
                        text_step(ScriptStep::Kind::send_binary, std::move(bytes)));
}

Script& Script::send_binary_after(std::size_t event_index, std::string bytes) {
    return insert_fault_after("send_binary_after", event_index,
                              text_step(ScriptStep::Kind::send_binary, std::move(bytes)));
}

Script& Script::delay_before_event(std::size_t event_index, Milliseconds duration) {
    constexpr const char* builder = "delay_before_event";
    return insert_fault(builder, event_index, delay_step(builder, duration));
}

Script& Script::delay_after(std::size_t event_index, Milliseconds duration) {
    constexpr const char* builder = "delay_after";
    return insert_fault_after(builder, event_index, delay_step(builder, duration));
}

Script& Script::stall_before_event(std::size_t event_index) {
    return insert_fault("stall_before_event", event_index, bare_step(ScriptStep::Kind::stall));
}

Script& Script::stall_after(std::size_t event_index) {
    return insert_fault_after("stall_after", event_index, bare_step(ScriptStep::Kind::stall));
}

Script& Script::ping_before_event(std::size_t event_index, std::string payload) {
    constexpr const char* builder = "ping_before_event";
    return insert_fault(builder, event_index, ping_step(builder, std::move(payload)));
}

Script& Script::ping_after(std::size_t event_index, std::string payload) {
    constexpr const char* builder = "ping_after";
    return insert_fault_after(builder, event_index, ping_step(builder, std::move(payload)));
}

Script& Script::reset_before_event(std::size_t event_index) {
    return insert_fault("reset_before_event", event_index, bare_step(ScriptStep::Kind::reset));
}

Script& Script::reset_after(std::size_t event_index) {
    return insert_fault_after("reset_after", event_index, bare_step(ScriptStep::Kind::reset));
}

namespace {

// An edit's event index must name an event.
void check_event(const char* builder, const char* argument, std::size_t event_index,
                 std::size_t count) {
    if (count == 0) {
        bad_argument(builder, argument, "must name one of the script's events (none are left)",
                     std::to_string(event_index));
    }
    if (event_index >= count) {
        bad_argument(builder, argument, "must be an event index 0-" + std::to_string(count - 1),
                     std::to_string(event_index));
    }
}

}  // namespace

Script& Script::drop(std::size_t event_index) {
    check_event("drop", "event_index", event_index, event_count());
    return drop_event(event_index);
}

Script& Script::duplicate(std::size_t event_index) {
    check_event("duplicate", "event_index", event_index, event_count());
    return duplicate_event(event_index);
}

Script& Script::swap(std::size_t first, std::size_t second) {  // NOLINT(bugprone-exception-escape)
    check_event("swap", "first", first, event_count());
    check_event("swap", "second", second, event_count());
    return swap_events(first, second);
}

Script& Script::reject_upgrade(int status) {
    if (status < 100 || status > 599 || status == 101) {
        bad_argument("reject_upgrade", "status", "must be an HTTP status 100-599 other than 101",
                     std::to_string(status));
    }
    reject_upgrade_status_ = status;
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
