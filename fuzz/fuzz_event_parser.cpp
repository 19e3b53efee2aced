// Frame text -> Event, under both shipped profiles' envelopes. Any exception or sanitizer report
// is a bug: parse_event must turn bad input into EventParseError. Differential too: where the fast
// frame parser (simdjson) takes a text, nlohmann must take it and build the identical value.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string_view>

#include "frame_json.hpp"
#include "goldenpath/bounded_json.hpp"
#include "goldenpath/event.hpp"
#include "goldenpath/protocol_profile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const goldenpath::ProtocolProfile nested = goldenpath::default_profile();
    static const goldenpath::ProtocolProfile root = [] {
        auto profile = goldenpath::default_profile();
        profile.detail_containers.clear();
        return profile;
    }();
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto fast = goldenpath::detail::parse_frame_json_fast(text, nested.max_json_depth)) {
        try {
            const auto slow = goldenpath::parse_bounded_json(text, nested.max_json_depth);
            if (!goldenpath::detail::identical_json(*fast, slow)) {
                __builtin_trap();  // the two parsers built different values
            }
        } catch (const std::exception&) {
            __builtin_trap();  // simdjson took a text nlohmann refuses
        }
    }
    for (const auto* profile : {&nested, &root}) {
        auto parsed = goldenpath::parse_event(text, *profile);
        if (auto* event = std::get_if<goldenpath::Event>(&parsed)) {
            (void)event->summary(*profile);
            (void)goldenpath::parse_timestamp(event->body);
            for (const auto& field : {"tool_name", "agent_name", "tool_call_id", "timestamp"}) {
                (void)goldenpath::field_text(profile->find_field(event->body, field));
            }
        } else {
            const auto& error = std::get<goldenpath::EventParseError>(parsed);
            if (error.excerpt.size() > 120) {
                __builtin_trap();  // the excerpt is bounded
            }
        }
    }
    return 0;
}
