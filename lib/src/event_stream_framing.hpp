// What the server double writes into a text/event-stream body: one server-sent event per frame of
// a script, a comment for a ping. Internal: not installed.
#pragma once

#include <string>
#include <string_view>

namespace goldenpath::detail {

// `payload` as one event: "data: " before each of its lines (CRLF, CR and LF each end one), then
// the blank line that ends the event. A client joins the lines with "\n" again.
std::string event_stream_event(std::string_view payload);

// ": text" and a blank line: a comment, which clients skip (line breaks in `text` become spaces).
std::string event_stream_comment(std::string_view text);

}  // namespace goldenpath::detail
