#include "sse_parser.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <system_error>
#include <utility>

namespace goldenpath::detail {

namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

}  // namespace

SseParser::SseParser(std::size_t max_event_bytes) : max_event_bytes_(max_event_bytes) {}

std::optional<SseError> SseParser::feed(std::string_view bytes, std::vector<SseEvent>& out) {
    if (error_) {
        return error_;
    }
    if (at_stream_start_) {
        // The mark may come split over several pieces: hold the first bytes until they tell.
        const std::size_t wanted = kByteOrderMark.size() - bom_prefix_.size();
        const std::size_t taken = std::min(wanted, bytes.size());
        bom_prefix_.append(bytes.substr(0, taken));
        bytes.remove_prefix(taken);
        const bool may_be_mark = kByteOrderMark.substr(0, bom_prefix_.size()) == bom_prefix_;
        if (may_be_mark && bom_prefix_.size() < kByteOrderMark.size()) {
            return std::nullopt;
        }
        at_stream_start_ = false;
        const std::string head = std::exchange(bom_prefix_, {});
        if (!may_be_mark) {
            take_bytes(head, out);
        }
    }
    if (!error_) {
        take_bytes(bytes, out);
    }
    return error_;
}

// Lines end with CRLF, LF or CR; a CRLF split between two pieces is one line end.
void SseParser::take_bytes(std::string_view bytes, std::vector<SseEvent>& out) {
    while (!bytes.empty() && !error_) {
        if (after_cr_ && bytes.front() == '\n') {
            bytes.remove_prefix(1);
        }
        after_cr_ = false;
        const std::size_t end = bytes.find_first_of("\r\n");
        const std::string_view piece = bytes.substr(0, end);
        if (line_.size() + piece.size() > max_event_bytes_) {
            fail("a line longer than " + std::to_string(max_event_bytes_) +
                 " bytes (no line end after " + std::to_string(line_.size() + piece.size()) +
                 " bytes)");
            return;
        }
        line_.append(piece);
        if (end == std::string_view::npos) {
            return;
        }
        after_cr_ = bytes[end] == '\r';
        bytes.remove_prefix(end + 1);
        const std::string line = std::exchange(line_, {});
        take_line(line, out);
    }
}

void SseParser::take_line(std::string_view line, std::vector<SseEvent>& out) {
    if (line.empty()) {
        dispatch(out);
        return;
    }
    if (line.front() == ':') {
        return;  // a comment (servers send them to keep the connection alive)
    }
    const std::size_t colon = line.find(':');
    const std::string_view field = line.substr(0, colon);
    std::string_view value;
    if (colon != std::string_view::npos) {
        value = line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') {
            value.remove_prefix(1);
        }
    }
    if (field == "data") {
        if (data_.size() + value.size() + 1 > max_event_bytes_) {
            fail("an event whose data is longer than " + std::to_string(max_event_bytes_) +
                 " bytes");
            return;
        }
        data_.append(value);
        data_.push_back('\n');
    } else if (field == "event") {
        type_.assign(value);
    } else if (field == "id") {
        if (value.find('\0') == std::string_view::npos) {
            last_event_id_.assign(value);
        }
    } else if (field == "retry") {
        std::uint32_t milliseconds = 0;
        const auto* const end = value.data() + value.size();
        const auto parsed = std::from_chars(value.data(), end, milliseconds);
        if (parsed.ec == std::errc{} && parsed.ptr == end) {  // digits only: no sign, no space
            retry_ = std::chrono::milliseconds(milliseconds);
        }  // too large for 32 bits: ignored like any other invalid value
    }      // any other field is ignored, as the standard says
}

void SseParser::dispatch(std::vector<SseEvent>& out) {
    if (data_.empty()) {
        type_.clear();
        return;
    }
    data_.pop_back();  // the "\n" after the last data line
    SseEvent event;
    if (!type_.empty()) {
        event.type = std::exchange(type_, {});
    }
    event.data = std::exchange(data_, {});
    event.id = last_event_id_;
    event.index = dispatched_++;
    out.push_back(std::move(event));
}

std::optional<SseError> SseParser::fail(std::string detail) {
    error_ = SseError{std::move(detail), dispatched_};
    line_.clear();
    data_.clear();
    type_.clear();
    return error_;
}

}  // namespace goldenpath::detail
