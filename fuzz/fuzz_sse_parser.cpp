// A text/event-stream body, fed whole and fed in pieces (split where the first byte says): both
// must give the same events, the same error and the same retry, and nothing above the bound.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "sse_parser.hpp"

namespace {

using goldenpath::detail::SseEvent;
using goldenpath::detail::SseParser;

constexpr std::size_t kBound = 256;

bool same(const std::vector<SseEvent>& a, const std::vector<SseEvent>& b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].data != b[i].data || a[i].type != b[i].type || a[i].id != b[i].id ||
            a[i].index != i || b[i].index != i) {
            return false;
        }
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::size_t step = 1 + data[0] % 7;
    const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);

    SseParser whole(kBound);
    std::vector<SseEvent> whole_events;
    const auto whole_error = whole.feed(body, whole_events);

    SseParser pieces(kBound);
    std::vector<SseEvent> piece_events;
    std::optional<goldenpath::detail::SseError> piece_error;
    for (std::size_t at = 0; at < body.size() && !piece_error; at += step) {
        piece_error = pieces.feed(body.substr(at, step), piece_events);
    }
    // An error may come at another byte when fed in pieces, but only on the same stream.
    if (whole_error.has_value() != piece_error.has_value()) {
        __builtin_trap();
    }
    if (!whole_error && (!same(whole_events, piece_events) || whole.retry() != pieces.retry() ||
                         whole.last_event_id() != pieces.last_event_id())) {
        __builtin_trap();
    }
    for (const auto& event : whole_events) {
        if (event.data.size() > kBound || event.type.size() > kBound || event.id.size() > kBound) {
            __builtin_trap();
        }
    }
    return 0;
}
