#include "goldenpath/script_json.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "goldenpath/bounded_json.hpp"
#include "goldenpath/config_error.hpp"

namespace goldenpath {
namespace {

constexpr const char* kId = "goldenpath.script";

[[noreturn]] void fail(const std::string& pointer, const std::string& requirement,
                       const nlohmann::json& actual) {
    throw ConfigError(kId, pointer, requirement,
                      actual.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::size_t index_at(const nlohmann::json& value, const std::string& pointer, std::size_t limit) {
    if (!value.is_number_unsigned() || value.get<std::size_t>() > limit) {
        fail(pointer, fmt::format("must be an event index 0-{}", limit), value);
    }
    return value.get<std::size_t>();
}

void require_true(const nlohmann::json& value, const std::string& pointer) {
    if (!value.is_boolean() || !value.get<bool>()) {
        fail(pointer, "must be true", value);
    }
}

ScriptStep fault_step(const nlohmann::json& fault, const std::string& pointer) {
    ScriptStep step;
    if (fault.contains("close")) {
        const auto& close = fault["close"];
        if (!close.is_object() || !close.contains("code") || !close["code"].is_number_integer()) {
            fail(pointer + "/close", "must be an object {\"code\": N, \"reason\": \"...\"}", close);
        }
        step.kind = ScriptStep::Kind::close;
        step.close_code = close["code"].get<int>();
        if (step.close_code < 1000 || step.close_code > 4999) {
            fail(pointer + "/close/code", "must be a close code 1000-4999", close["code"]);
        }
        if (close.contains("reason") && !close["reason"].is_string()) {
            fail(pointer + "/close/reason", "must be a string", close["reason"]);
        }
        step.text = close.value("reason", "");
    } else if (fault.contains("send_raw")) {
        if (!fault["send_raw"].is_string()) {
            fail(pointer + "/send_raw", "must be a string", fault["send_raw"]);
        }
        step.kind = ScriptStep::Kind::send_raw;
        step.text = fault["send_raw"].get<std::string>();
    } else if (fault.contains("delay_ms")) {
        const auto& delay = fault["delay_ms"];
        if (!delay.is_number_unsigned() || delay.get<std::uint64_t>() > 600000) {
            fail(pointer + "/delay_ms", "must be 0-600000", delay);
        }
        step.kind = ScriptStep::Kind::delay;
        step.delay = Milliseconds(delay.get<std::int64_t>());
    } else if (fault.contains("send_binary")) {
        if (!fault["send_binary"].is_string()) {
            fail(pointer + "/send_binary", "must be a string", fault["send_binary"]);
        }
        step.kind = ScriptStep::Kind::send_binary;
        step.text = fault["send_binary"].get<std::string>();
    } else if (fault.contains("ping")) {
        const auto& payload = fault["ping"];
        if (!payload.is_string() || payload.get<std::string>().size() > 125) {
            fail(pointer + "/ping", "must be a string of at most 125 bytes", payload);
        }
        step.kind = ScriptStep::Kind::ping;
        step.text = payload.get<std::string>();
    } else if (fault.contains("stall")) {
        require_true(fault["stall"], pointer + "/stall");
        step.kind = ScriptStep::Kind::stall;
    } else if (fault.contains("reset")) {
        require_true(fault["reset"], pointer + "/reset");
        step.kind = ScriptStep::Kind::reset;
    } else {
        fail(pointer,
             "must name one of close, send_raw, send_binary, delay_ms, ping, stall, reset, drop, "
             "duplicate, swap",
             fault);
    }
    return step;
}

}  // namespace

Script script_from_json(const nlohmann::json& json, const ProtocolProfile& profile) {
    if (!json.is_object()) {
        fail("", "must be an object with \"events\" and/or \"faults\"", json);
    }
    for (const auto& [key, value] : json.items()) {
        if (key != "events" && key != "faults") {
            fail("/" + key, "must be a known key (events, faults)", key);
        }
    }
    Script script;
    if (json.contains("events")) {
        const auto& events = json["events"];
        if (!events.is_array()) {
            fail("/events", "must be an array of event objects", events);
        }
        for (std::size_t i = 0; i < events.size(); ++i) {
            if (!events[i].is_object() || !events[i].contains(profile.type_field)) {
                fail(fmt::format("/events/{}", i),
                     fmt::format("must be an object with a \"{}\"", profile.type_field), events[i]);
            }
            script.event(events[i]);
        }
    } else {
        script = Script::golden_path(profile);
    }
    if (!json.contains("faults")) {
        return script;
    }
    const auto& faults = json["faults"];
    if (!faults.is_array()) {
        fail("/faults", "must be an array", faults);
    }
    // Edits first, then the indexed faults, so "at" refers to the edited event list.
    std::vector<std::pair<std::size_t, ScriptStep>> indexed;
    for (std::size_t i = 0; i < faults.size(); ++i) {
        const auto& fault = faults[i];
        const std::string pointer = fmt::format("/faults/{}", i);
        if (!fault.is_object()) {
            fail(pointer, "must be an object", fault);
        }
        const std::size_t last = script.event_count() == 0 ? 0 : script.event_count() - 1;
        const bool edit =
            fault.contains("drop") || fault.contains("duplicate") || fault.contains("swap");
        if (edit && script.event_count() == 0) {
            fail(pointer, "must edit one of the script's events (none are left)", fault);
        }
        if (fault.contains("drop")) {
            script.drop_event(index_at(fault["drop"], pointer + "/drop", last));
        } else if (fault.contains("duplicate")) {
            script.duplicate_event(index_at(fault["duplicate"], pointer + "/duplicate", last));
        } else if (fault.contains("swap")) {
            const auto& pair = fault["swap"];
            if (!pair.is_array() || pair.size() != 2) {
                fail(pointer + "/swap", "must be a pair of event indices [a, b]", pair);
            }
            script.swap_events(index_at(pair[0], pointer + "/swap/0", last),
                               index_at(pair[1], pointer + "/swap/1", last));
        } else {
            if (!fault.contains("at")) {
                fail(pointer + "/at", "must be the event index the fault acts before",
                     nlohmann::json());
            }
            indexed.emplace_back(index_at(fault["at"], pointer + "/at", script.event_count()),
                                 fault_step(fault, pointer));
        }
    }
    // Insert from the highest index down so earlier insertions do not shift later ones; equal
    // indices keep their written order (each lands just before the event, after the previous).
    std::stable_sort(indexed.begin(), indexed.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (auto& [index, step] : indexed) {
        script.insert_before_event(index, std::move(step));
    }
    return script;
}

Script load_script(const std::filesystem::path& path, const ProtocolProfile& profile) {
    return script_from_json(read_json_file(path, kId, profile.max_json_depth), profile);
}

}  // namespace goldenpath
