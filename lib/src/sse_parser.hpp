// A server-sent events (text/event-stream) parser, as the HTML Living Standard §9.2.6 defines
// the stream: fed the body in pieces of any size, it hands out each complete event. Internal: the
// HTTP transport of AG-UI endpoints reads its stream through it.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace goldenpath::detail {

struct SseEvent {
    std::string type = "message";  // the `event:` field, "message" when the event names none
    std::string data;              // the `data:` lines joined by "\n"
    std::string id;                // the last event id in force when the event was dispatched
    std::size_t index = 0;         // 0 for the stream's first event, counted per parser
};

// What ended the stream as a stream: a line or an event above the parser's bound. A server can
// send a line without end; the parser holds at most `max_event_bytes` of it.
struct SseError {
    std::string detail;       // one sentence: what was too large and the bound
    std::size_t event_index;  // the index the event being read would have had
};

class SseParser {
  public:
    static constexpr std::size_t kDefaultMaxEventBytes = std::size_t{1} << 20U;

    explicit SseParser(std::size_t max_event_bytes = kDefaultMaxEventBytes);

    // Appends the events that `bytes` completes to `out`. After an error the parser stays failed:
    // every later call returns the same error and appends nothing.
    std::optional<SseError> feed(std::string_view bytes, std::vector<SseEvent>& out);

    // The `retry:` field's last valid value (digits only, as the standard says).
    std::optional<std::chrono::milliseconds> retry() const noexcept { return retry_; }
    const std::string& last_event_id() const noexcept { return last_event_id_; }
    // Fields were read for an event no blank line has ended yet: a stream that ends now ends
    // inside an event, which the standard discards.
    bool inside_event() const noexcept {
        return !data_.empty() || !type_.empty() || !line_.empty() || !bom_prefix_.empty();
    }
    std::size_t events_dispatched() const noexcept { return dispatched_; }

  private:
    void take_line(std::string_view line, std::vector<SseEvent>& out);
    void dispatch(std::vector<SseEvent>& out);
    std::optional<SseError> fail(std::string detail);
    void take_bytes(std::string_view bytes, std::vector<SseEvent>& out);

    std::size_t max_event_bytes_;
    std::string line_;             // the line being read, without its end
    bool after_cr_ = false;        // the last byte was a CR: a LF right after it ends no new line
    bool at_stream_start_ = true;  // a UTF-8 byte order mark here is skipped
    std::string bom_prefix_;       // the first bytes, until they are known to be (or not be) a BOM
    std::string data_;
    std::string type_;
    std::string last_event_id_;
    std::optional<std::chrono::milliseconds> retry_;
    std::size_t dispatched_ = 0;
    std::optional<SseError> error_;
};

}  // namespace goldenpath::detail
