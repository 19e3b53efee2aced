#include "close_frame_watcher.hpp"

#include <algorithm>

namespace goldenpath::detail {

namespace {
constexpr std::array<unsigned char, 4> kHeaderEnd{'\r', '\n', '\r', '\n'};
constexpr std::size_t kMaxControlPayload = 125;
constexpr unsigned char kCloseOpcode = 0x8;
}  // namespace

bool ServerFrameScanner::first_bytes_look_like_tls() const {
    return bytes_seen_ >= first_bytes_.size() && first_bytes_[0] >= 0x14 &&
           first_bytes_[0] <= 0x17 && first_bytes_[1] == 0x03 && first_bytes_[2] <= 0x04;
}

void ServerFrameScanner::scan(const unsigned char* data, std::size_t size) {
    for (std::size_t i = 0; i < size && bytes_seen_ + i < first_bytes_.size(); ++i) {
        first_bytes_[static_cast<std::size_t>(bytes_seen_) + i] = data[i];
    }
    bytes_seen_ += size;
    std::size_t at = 0;
    while (at < size && !close_payload_) {
        switch (state_) {
            case State::http: {
                const unsigned char byte = data[at++];
                if (byte == kHeaderEnd[http_matched_]) {
                    ++http_matched_;
                } else {
                    http_matched_ = byte == kHeaderEnd[0] ? 1 : 0;
                }
                if (http_matched_ == kHeaderEnd.size()) {
                    state_ = State::header;
                }
                break;
            }
            case State::header:
                header_[header_size_++] = data[at++];
                if (header_size_ == header_needed_) {
                    header_complete();
                }
                break;
            case State::payload: {
                const std::size_t n =
                    static_cast<std::size_t>(std::min<std::uint64_t>(payload_left_, size - at));
                if (in_close_) {
                    for (std::size_t i = 0; i < n && close_bytes_.size() < kMaxControlPayload;
                         ++i) {
                        const std::size_t index = close_bytes_.size();
                        close_bytes_.push_back(static_cast<char>(
                            masked_ ? data[at + i] ^ mask_[index % 4] : data[at + i]));
                    }
                }
                at += n;
                payload_left_ -= n;
                if (payload_left_ == 0) {
                    if (in_close_) {
                        close_payload_ = close_bytes_;
                    }
                    state_ = State::header;
                    header_size_ = 0;
                    header_needed_ = 2;
                }
                break;
            }
        }
    }
}

// Called each time header_needed_ bytes arrived: the first two bytes tell how many more follow.
void ServerFrameScanner::header_complete() {
    const unsigned length7 = header_[1] & 0x7FU;
    masked_ = (header_[1] & 0x80U) != 0;
    const std::size_t extended = length7 == 126 ? 2 : (length7 == 127 ? 8 : 0);
    const std::size_t full = 2 + extended + (masked_ ? 4 : 0);
    if (header_needed_ < full) {
        header_needed_ = full;
        return;
    }
    std::uint64_t length = length7;
    if (extended > 0) {
        length = 0;
        for (std::size_t i = 0; i < extended; ++i) {
            length = (length << 8U) | header_[2 + i];
        }
    }
    if (masked_) {
        std::copy_n(header_.begin() + static_cast<std::ptrdiff_t>(2 + extended), 4, mask_.begin());
    }
    in_close_ = (header_[0] & 0x0FU) == kCloseOpcode;
    const bool control = (header_[0] & 0x08U) != 0;
    const bool fin = (header_[0] & 0x80U) != 0;
    if (!control && fin) {
        ++messages_;
    }
    close_bytes_.clear();
    payload_left_ = length;
    header_size_ = 0;
    header_needed_ = 2;
    if (length == 0) {
        if (in_close_) {
            close_payload_ = std::string();
        }
        return;
    }
    state_ = State::payload;
}

}  // namespace goldenpath::detail
