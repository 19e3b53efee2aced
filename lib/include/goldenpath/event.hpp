#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "goldenpath/clock.hpp"
#include "goldenpath/protocol_profile.hpp"

namespace goldenpath {

// One received frame, parsed. The whole JSON object is kept in `body`; the envelope fields named
// by the profile are extracted for routing.
struct Event {
    std::string type;
    std::string run_id;               // empty when absent
    std::string thread_id;            // empty when absent
    std::optional<double> timestamp;  // Unix seconds, from a float or an ISO-8601 string
    nlohmann::json body = nlohmann::json::object();
    Clock::time_point arrival{};
    std::size_t frame_index = 0;  // position among all frames received on the connection

    // A compact one-line description for timelines: `tool_completed {tool_name: search}`.
    std::string summary(const ProtocolProfile& profile) const;
};

// Why a frame is not an event: not JSON, not an object, or no string `type`.
struct EventParseError {
    std::string reason;   // e.g. "not valid JSON: unexpected end of input at byte 12"
    std::string excerpt;  // first 120 characters of the frame
};

std::variant<Event, EventParseError> parse_event(std::string_view text,
                                                 const ProtocolProfile& profile,
                                                 Clock::time_point arrival = Clock::now(),
                                                 std::size_t frame_index = 0);

// Builds an Event from an already parsed object (used by doubles, traces and tests).
Event make_event(nlohmann::json body, const ProtocolProfile& profile,
                 Clock::time_point arrival = Clock::now(), std::size_t frame_index = 0);

// An id or name field as text: strings as they are, numbers in decimal, anything else (or
// nullptr) empty. Ids are strings on the wire, but some servers send numbers.
std::string field_text(const nlohmann::json* value);

// Accepts a number of Unix seconds or an ISO-8601 string ("2025-09-12T20:11:35.123Z",
// "+02:00" offsets); anything else is nullopt.
std::optional<double> parse_timestamp(const nlohmann::json& value);

}  // namespace goldenpath
