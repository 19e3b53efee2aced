// Cuts text from the server to a size fit for one line of a report, so no message, list or
// timeline entry grows with what the server sends (issue 13, item 8).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace goldenpath::detail {

// The longest verdict message (a Violation's message, a Failure's detail from the journey).
constexpr std::size_t kMaxMessageBytes = 2048;
// The longest piece of server text (an event type, an id, a tool name) inside a message.
constexpr std::size_t kMaxFieldBytes = 64;
// The longest one-line event summary (a timeline entry, a message's "is ...").
constexpr std::size_t kMaxSummaryBytes = 256;
// The longest server message (agent_error) inside a verdict.
constexpr std::size_t kMaxServerMessageBytes = 512;
// At most this many items of a list (open tools, runs) are named in a message.
constexpr std::size_t kMaxListedItems = 10;

// `text` cut to at most `limit` bytes: see bounded().
std::string cut_to_limit(std::string_view text, std::size_t limit);

// `text` when it has at most `limit` bytes; else its first bytes, cut back to a UTF-8 character
// boundary, and "... (N bytes)" naming the whole length, at most `limit` bytes in all. Inline:
// the verifier bounds the type of every frame, and almost every text is within its limit.
inline std::string bounded(std::string_view text, std::size_t limit) {
    return text.size() <= limit ? std::string(text) : cut_to_limit(text, limit);
}

// An id or tool name from the server as a verifier keeps it: itself when at most kMaxFieldBytes,
// else a prefix and a hash of the whole, so a server cannot make each open item cost megabytes.
std::string compact_key(std::string text);

// "a, b, c" for up to kMaxListedItems items, then "and N more".
std::string bounded_list(const std::vector<std::string>& items);

}  // namespace goldenpath::detail
