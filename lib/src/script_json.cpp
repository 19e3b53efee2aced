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

int close_code_at(const nlohmann::json& value, const std::string& pointer) {
    if (!value.is_number_integer() || value.get<std::int64_t>() < 1000 ||
        value.get<std::int64_t>() > 4999) {
        fail(pointer, "must be a close code 1000-4999", value);
    }
    return value.get<int>();
}

std::string close_reason_at(const nlohmann::json& value, const std::string& pointer) {
    // A close frame's payload is at most 125 bytes: 2 for the code, 123 for the reason.
    if (!value.is_string() || value.get<std::string>().size() > 123) {
        fail(pointer, "must be a string of at most 123 bytes", value);
    }
    return value.get<std::string>();
}

std::string string_at(const nlohmann::json& value, const std::string& pointer) {
    if (!value.is_string()) {
        fail(pointer, "must be a string", value);
    }
    return value.get<std::string>();
}

Milliseconds delay_at(const nlohmann::json& value, const std::string& pointer) {
    if (!value.is_number_unsigned() || value.get<std::uint64_t>() > 600000) {
        fail(pointer, "must be 0-600000", value);
    }
    return Milliseconds(value.get<std::int64_t>());
}

std::string ping_payload_at(const nlohmann::json& value, const std::string& pointer) {
    if (!value.is_string() || value.get<std::string>().size() > 125) {
        fail(pointer, "must be a string of at most 125 bytes", value);
    }
    return value.get<std::string>();
}

ScriptStep step_of_kind(ScriptStep::Kind kind) {
    ScriptStep step;
    step.kind = kind;
    return step;
}

// The older form: {"at": N, "close": {...}}, {"at": N, "send_raw": "..."}, ...
ScriptStep fault_step(const nlohmann::json& fault, const std::string& pointer) {
    ScriptStep step;
    if (fault.contains("close")) {
        const auto& close = fault["close"];
        if (!close.is_object() || !close.contains("code") || !close["code"].is_number_integer()) {
            fail(pointer + "/close", "must be an object {\"code\": N, \"reason\": \"...\"}", close);
        }
        step.kind = ScriptStep::Kind::close;
        step.close_code = close_code_at(close["code"], pointer + "/close/code");
        if (close.contains("reason")) {
            step.text = close_reason_at(close["reason"], pointer + "/close/reason");
        }
    } else if (fault.contains("send_raw")) {
        step.kind = ScriptStep::Kind::send_raw;
        step.text = string_at(fault["send_raw"], pointer + "/send_raw");
    } else if (fault.contains("delay_ms")) {
        step.kind = ScriptStep::Kind::delay;
        step.delay = delay_at(fault["delay_ms"], pointer + "/delay_ms");
    } else if (fault.contains("send_binary")) {
        step.kind = ScriptStep::Kind::send_binary;
        step.text = string_at(fault["send_binary"], pointer + "/send_binary");
    } else if (fault.contains("ping")) {
        step.kind = ScriptStep::Kind::ping;
        step.text = ping_payload_at(fault["ping"], pointer + "/ping");
    } else if (fault.contains("stall")) {
        require_true(fault["stall"], pointer + "/stall");
        step.kind = ScriptStep::Kind::stall;
    } else if (fault.contains("reset")) {
        require_true(fault["reset"], pointer + "/reset");
        step.kind = ScriptStep::Kind::reset;
    } else {
        fail(pointer,
             "must name one of close, send_raw, send_binary, delay_ms, ping, stall, reset, drop, "
             "duplicate, swap, reject_upgrade or a builder such as close_before_event, "
             "stall_after",
             fault);
    }
    return step;
}

// The faults named like Script's builders: {"NAME": value} or {"NAME": [value, ...]}, the
// arguments in the builder's order, the first being the event index.
struct BuilderFault {
    const char* name;
    ScriptStep::Kind kind;
    bool after;         // NAME_after: acts after the event, i.e. before the next one
    const char* usage;  // the arguments, for errors
};

constexpr BuilderFault kBuilderFaults[] = {
    {"close_before_event", ScriptStep::Kind::close, false, "[event_index, code, reason]"},
    {"close_after", ScriptStep::Kind::close, true, "[event_index, code, reason]"},
    {"send_raw_before_event", ScriptStep::Kind::send_raw, false, "[event_index, text]"},
    {"send_raw_after", ScriptStep::Kind::send_raw, true, "[event_index, text]"},
    {"send_binary_before_event", ScriptStep::Kind::send_binary, false, "[event_index, bytes]"},
    {"send_binary_after", ScriptStep::Kind::send_binary, true, "[event_index, bytes]"},
    {"delay_before_event", ScriptStep::Kind::delay, false, "[event_index, milliseconds]"},
    {"delay_after", ScriptStep::Kind::delay, true, "[event_index, milliseconds]"},
    {"stall_before_event", ScriptStep::Kind::stall, false, "event_index"},
    {"stall_after", ScriptStep::Kind::stall, true, "event_index"},
    {"ping_before_event", ScriptStep::Kind::ping, false, "[event_index, payload]"},
    {"ping_after", ScriptStep::Kind::ping, true, "[event_index, payload]"},
    {"reset_before_event", ScriptStep::Kind::reset, false, "event_index"},
    {"reset_after", ScriptStep::Kind::reset, true, "event_index"},
};

const BuilderFault* builder_fault_of(const nlohmann::json& fault) {
    for (const BuilderFault& builder : kBuilderFaults) {
        if (fault.contains(builder.name)) {
            return &builder;
        }
    }
    return nullptr;
}

// The arguments of {"NAME": value} (one) or {"NAME": [value, ...]} with their JSON pointers.
struct Arguments {
    std::vector<const nlohmann::json*> values;
    std::vector<std::string> pointers;
};

Arguments arguments_of(const nlohmann::json& value, const std::string& pointer,
                       std::size_t required, std::size_t most, const char* usage) {
    Arguments arguments;
    if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            arguments.values.push_back(&value[i]);
            arguments.pointers.push_back(fmt::format("{}/{}", pointer, i));
        }
    } else {
        arguments.values.push_back(&value);
        arguments.pointers.push_back(pointer);
    }
    if (arguments.values.size() < required || arguments.values.size() > most) {
        fail(pointer, fmt::format("must be {}", usage), value);
    }
    return arguments;
}

// The event index a builder fault acts before, and its step.
std::pair<std::size_t, ScriptStep> builder_fault_step(const BuilderFault& builder,
                                                      const nlohmann::json& fault,
                                                      const std::string& fault_pointer,
                                                      std::size_t event_count) {
    const std::string pointer = fault_pointer + "/" + builder.name;
    const bool bare =
        builder.kind == ScriptStep::Kind::stall || builder.kind == ScriptStep::Kind::reset;
    const std::size_t most = bare ? 1 : builder.kind == ScriptStep::Kind::close ? 3 : 2;
    const std::size_t required = bare || builder.kind == ScriptStep::Kind::ping ? 1 : 2;
    const Arguments arguments =
        arguments_of(fault[builder.name], pointer, required, most, builder.usage);
    std::size_t at = 0;
    if (builder.after) {
        if (event_count == 0) {
            fail(arguments.pointers[0], "must name one of the script's events (none are left)",
                 *arguments.values[0]);
        }
        at = index_at(*arguments.values[0], arguments.pointers[0], event_count - 1) + 1;
    } else {
        at = index_at(*arguments.values[0], arguments.pointers[0], event_count);
    }
    ScriptStep step = step_of_kind(builder.kind);
    const auto has = [&](std::size_t i) { return arguments.values.size() > i; };
    switch (builder.kind) {
        case ScriptStep::Kind::close:
            step.close_code = close_code_at(*arguments.values[1], arguments.pointers[1]);
            if (has(2)) {
                step.text = close_reason_at(*arguments.values[2], arguments.pointers[2]);
            }
            break;
        case ScriptStep::Kind::send_raw:
        case ScriptStep::Kind::send_binary:
            step.text = string_at(*arguments.values[1], arguments.pointers[1]);
            break;
        case ScriptStep::Kind::delay:
            step.delay = delay_at(*arguments.values[1], arguments.pointers[1]);
            break;
        case ScriptStep::Kind::ping:
            if (has(1)) {
                step.text = ping_payload_at(*arguments.values[1], arguments.pointers[1]);
            }
            break;
        case ScriptStep::Kind::stall:
        case ScriptStep::Kind::reset:
        case ScriptStep::Kind::event:
            break;
    }
    return {at, std::move(step)};
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
        if (fault.contains("reject_upgrade")) {
            const auto& status = fault["reject_upgrade"];
            if (!status.is_number_integer() || status.get<std::int64_t>() < 100 ||
                status.get<std::int64_t>() > 599 || status.get<std::int64_t>() == 101) {
                fail(pointer + "/reject_upgrade", "must be an HTTP status 100-599 other than 101",
                     status);
            }
            script.reject_upgrade(status.get<int>());
            continue;
        }
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
        } else if (const BuilderFault* builder = builder_fault_of(fault)) {
            indexed.push_back(builder_fault_step(*builder, fault, pointer, script.event_count()));
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
