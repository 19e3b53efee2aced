#include "event_stream_framing.hpp"

namespace goldenpath::detail {

std::string event_stream_event(std::string_view payload) {
    std::string out;
    out.reserve(payload.size() + 16);
    out.append("data: ");
    for (std::size_t i = 0; i < payload.size(); ++i) {
        const char c = payload[i];
        if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < payload.size() && payload[i + 1] == '\n') {
                ++i;
            }
            out.append("\ndata: ");
        } else {
            out.push_back(c);
        }
    }
    out.append("\n\n");
    return out;
}

std::string event_stream_comment(std::string_view text) {
    std::string out = ": ";
    for (const char c : text) {
        out.push_back(c == '\r' || c == '\n' ? ' ' : c);
    }
    out.append("\n\n");
    return out;
}

}  // namespace goldenpath::detail
