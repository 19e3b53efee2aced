// Frame text -> Event, under both shipped profiles' envelopes. Any exception or sanitizer report
// is a bug: parse_event must turn bad input into EventParseError.
#include <cstddef>
#include <cstdint>
#include <string_view>

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
