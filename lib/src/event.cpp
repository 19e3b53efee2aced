#include "goldenpath/event.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "event_summarizer.hpp"
#include "frame_json.hpp"
#include "goldenpath/bounded_json.hpp"
#include "json_reader.hpp"

namespace goldenpath {

namespace {

using detail::append_summary_field;
using detail::utf8_prefix;

constexpr std::size_t kExcerptLength = 120;

// nlohmann's parse_error text is "[json.exception.parse_error.101] parse error at line 1,
// column 2: syntax error while parsing value - unexpected end of input; ..."; keep the part that
// says what is wrong and say where as a byte offset.
std::string describe_parse_error(const nlohmann::json::parse_error& error) {
    std::string_view what = error.what();
    if (const auto colon = what.find(": "); colon != std::string_view::npos) {
        what.remove_prefix(colon + 2);
    }
    if (const auto dash = what.find(" - ");
        what.starts_with("syntax error") && dash != std::string_view::npos) {
        what.remove_prefix(dash + 3);
    }
    return fmt::format("not valid JSON: {} at byte {}", what, error.byte);
}

// Reads exactly `count` decimal digits at `pos`.
bool read_digits(std::string_view text, std::size_t& pos, std::size_t count, int& out) {
    if (pos + count > text.size()) {
        return false;
    }
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = text[pos + i];
        if (c < '0' || c > '9') {
            return false;
        }
        value = value * 10 + (c - '0');
    }
    pos += count;
    out = value;
    return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
    if (pos < text.size() && text[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

// "YYYY-MM-DDTHH:MM:SS[.fraction][Z|+HH:MM|-HH:MM|+HHMM|+HH]", 'T' or a space between date and
// time; no zone means UTC.
std::optional<double> parse_iso8601(std::string_view text) {
    std::size_t pos = 0;
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (!read_digits(text, pos, 4, year) || !expect(text, pos, '-') ||
        !read_digits(text, pos, 2, month) || !expect(text, pos, '-') ||
        !read_digits(text, pos, 2, day)) {
        return std::nullopt;
    }
    if (!expect(text, pos, 'T') && !expect(text, pos, 't') && !expect(text, pos, ' ')) {
        return std::nullopt;
    }
    if (!read_digits(text, pos, 2, hour) || !expect(text, pos, ':') ||
        !read_digits(text, pos, 2, minute) || !expect(text, pos, ':') ||
        !read_digits(text, pos, 2, second)) {
        return std::nullopt;
    }
    // std::chrono knows the month lengths and leap years (proleptic Gregorian, as ISO 8601).
    const std::chrono::year_month_day date{std::chrono::year{year},
                                           std::chrono::month{static_cast<unsigned>(month)},
                                           std::chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok() || hour > 23 || minute > 59 || second > 60) {
        return std::nullopt;
    }
    double fraction = 0;
    if (expect(text, pos, '.') || expect(text, pos, ',')) {
        double scale = 0.1;
        const std::size_t first = pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            fraction += (text[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == first) {
            return std::nullopt;
        }
    }
    int offset_seconds = 0;
    if (expect(text, pos, 'Z') || expect(text, pos, 'z')) {
        // UTC
    } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        const int sign = text[pos] == '-' ? -1 : 1;
        ++pos;
        int offset_hours = 0;
        int offset_minutes = 0;
        if (!read_digits(text, pos, 2, offset_hours)) {
            return std::nullopt;
        }
        if (pos < text.size()) {
            expect(text, pos, ':');
            if (!read_digits(text, pos, 2, offset_minutes)) {
                return std::nullopt;
            }
        }
        if (offset_hours > 23 || offset_minutes > 59) {
            return std::nullopt;
        }
        offset_seconds = sign * (offset_hours * 3600 + offset_minutes * 60);
    }
    if (pos != text.size()) {
        return std::nullopt;
    }
    const std::int64_t days = std::chrono::sys_days{date}.time_since_epoch().count();
    const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
    return static_cast<double>(seconds) + fraction;
}

// The fields an event is made from: the type at the root, and ProtocolProfile::find_field of the
// run id, thread id and timestamp fields. One pass over the root finds the type, the detail
// containers and the names there, then one pass over each container: done for every frame.
struct Envelope {
    const nlohmann::json* type = nullptr;
    // run id, thread id, timestamp
    std::array<const nlohmann::json*, 3> fields{};
};

Envelope find_envelope(const nlohmann::json& body, const ProtocolProfile& profile) {
    const std::array<std::string_view, 3> names = {profile.run_id_field, profile.thread_id_field,
                                                   profile.timestamp_field};
    const std::vector<std::string>& containers = profile.detail_containers;
    constexpr std::size_t kMaxContainers = 8;
    const bool one_pass = containers.size() <= kMaxContainers;
    std::array<const nlohmann::json*, kMaxContainers> holders{};
    std::array<const nlohmann::json*, 3> at_root{};
    Envelope envelope;
    for (const auto& [key, value] : body.get_ref<const nlohmann::json::object_t&>()) {
        if (key == profile.type_field) {
            envelope.type = &value;
        }
        if (value.is_null()) {
            continue;
        }
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (key == names[i]) {
                at_root[i] = &value;
            }
        }
        if (one_pass && value.is_object()) {
            for (std::size_t i = 0; i < containers.size(); ++i) {
                if (holders[i] == nullptr && key == containers[i]) {
                    holders[i] = &value;
                }
            }
        }
    }
    const auto scan = [&](const nlohmann::json& scope) {
        for (const auto& [key, value] : scope.get_ref<const nlohmann::json::object_t&>()) {
            for (std::size_t i = 0; i < names.size(); ++i) {
                if (envelope.fields[i] == nullptr && !value.is_null() && key == names[i]) {
                    envelope.fields[i] = &value;
                }
            }
        }
    };
    // Containers first, in the profile's order, then the root: find_field's precedence.
    for (std::size_t i = 0; i < containers.size(); ++i) {
        if (one_pass) {
            if (holders[i] != nullptr) {
                scan(*holders[i]);
            }
        } else if (const auto holder = body.find(containers[i]);
                   holder != body.end() && holder->is_object()) {
            scan(*holder);
        }
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (envelope.fields[i] == nullptr) {
            envelope.fields[i] = at_root[i];
        }
    }
    return envelope;
}

Event event_of(nlohmann::json body, const Envelope& envelope, Clock::time_point arrival,
               std::size_t frame_index) {
    Event event;
    if (envelope.type != nullptr && envelope.type->is_string()) {
        event.type = envelope.type->get_ref<const std::string&>();
    }
    const auto [run_id, thread_id, timestamp] = envelope.fields;
    event.run_id = field_text(run_id);
    event.thread_id = field_text(thread_id);
    if (timestamp != nullptr) {
        event.timestamp = parse_timestamp(*timestamp);
    }
    event.body = std::move(body);
    event.arrival = arrival;
    event.frame_index = frame_index;
    return event;
}

}  // namespace

std::string Event::summary(const ProtocolProfile& profile) const {
    // Summaries are made for every frame, so the detail containers are resolved once here
    // instead of once per field (same precedence as ProtocolProfile::find_field).
    constexpr std::size_t kMaxScopes = 8;
    std::array<const nlohmann::json*, kMaxScopes> scopes{};
    std::size_t scope_count = 0;
    const bool resolved = body.is_object() && profile.detail_containers.size() < kMaxScopes;
    if (resolved) {
        for (const std::string& container : profile.detail_containers) {
            const auto holder = body.find(container);
            if (holder != body.end() && holder->is_object() && !holder->empty()) {
                scopes[scope_count++] = &*holder;
            }
        }
        scopes[scope_count++] = &body;
    }
    const auto find = [&](std::string_view name) -> const nlohmann::json* {
        if (!resolved) {
            return profile.find_field(body, name);
        }
        for (std::size_t i = 0; i < scope_count; ++i) {
            const auto found = scopes[i]->find(name);
            if (found != scopes[i]->end() && !found->is_null()) {
                return &*found;
            }
        }
        return nullptr;
    };

    std::string out;
    out.reserve(type.size() + 64);
    out += type;
    bool first = true;
    const auto add = [&](std::string_view name) {
        if (const nlohmann::json* value = find(name)) {
            append_summary_field(out, first, name, *value);
            return true;
        }
        return false;
    };
    add(profile.tool_name_field);
    add("agent_name");
    for (const std::string& field : profile.tool_call_id_fields) {
        if (add(field)) {
            break;
        }
    }
    add("status");
    for (const std::string& field : profile.error_message_fields) {
        add(field);
    }
    if (!first) {
        out += '}';
    }
    return out;
}

std::variant<Event, EventParseError> parse_event(std::string_view text,
                                                 const ProtocolProfile& profile,
                                                 Clock::time_point arrival,
                                                 std::size_t frame_index) {
    const auto error = [text](std::string reason) {
        return EventParseError{std::move(reason), std::string(utf8_prefix(text, kExcerptLength))};
    };
    nlohmann::json body;
    try {
        body = detail::parse_frame_json(text, profile.max_json_depth);
    } catch (const JsonTooDeep& e) {
        return error(fmt::format("JSON nests deeper than max_json_depth {} at byte {}",
                                 e.excess().max_depth, e.excess().byte));
    } catch (const nlohmann::json::parse_error& e) {
        return error(describe_parse_error(e));
    } catch (const nlohmann::json::exception&) {
        // out_of_range.406, a number too large for a double (1e999, 400 digits): not a
        // parse_error, and its message quotes the whole number.
        return error("a number too large for a double");
    }
    if (!body.is_object()) {
        return error(fmt::format("not a JSON object but {} {}", body.is_array() ? "an" : "a",
                                 body.type_name()));
    }
    const Envelope envelope = find_envelope(body, profile);
    if (envelope.type == nullptr || !envelope.type->is_string()) {
        return error(fmt::format("no string \"{}\" field", profile.type_field));
    }
    return event_of(std::move(body), envelope, arrival, frame_index);
}

Event make_event(nlohmann::json body, const ProtocolProfile& profile, Clock::time_point arrival,
                 std::size_t frame_index) {
    const Envelope envelope = body.is_object() ? find_envelope(body, profile) : Envelope{};
    return event_of(std::move(body), envelope, arrival, frame_index);
}

std::optional<double> parse_timestamp(const nlohmann::json& value) {
    if (value.is_number()) {
        return value.get<double>();
    }
    if (value.is_string()) {
        return parse_iso8601(value.get_ref<const std::string&>());
    }
    return std::nullopt;
}

std::string field_text(const nlohmann::json* value) {
    if (value == nullptr) {
        return {};
    }
    if (value->is_string()) {
        return value->get<std::string>();
    }
    if (value->is_number_unsigned()) {
        return std::to_string(value->get<std::uint64_t>());
    }
    if (value->is_number_integer()) {
        return std::to_string(value->get<std::int64_t>());
    }
    if (value->is_number_float()) {
        return detail::json_text(*value);
    }
    return {};
}

}  // namespace goldenpath
