#pragma once
// A connection's frames waiting to be written, bounded in bytes: when full(), the double stops
// advancing script runs and stops reading the client (back-pressure) until writes drain it.
// Internal: not installed.

#include <cstddef>
#include <deque>
#include <string>
#include <utility>

namespace goldenpath::detail {

struct OutgoingFrame {
    enum class Kind { text, binary, ping, close, reset };
    Kind kind = Kind::text;
    std::string payload;  // frame, ping payload or close reason
    int code = 1000;
    bool in_flight = false;
};

class OutgoingQueue {
  public:
    explicit OutgoingQueue(std::size_t max_bytes) : max_bytes_(max_bytes) {}

    // Room for no more frames from scripts or handles (close and reset always get in).
    bool full() const noexcept { return bytes_ >= max_bytes_; }
    bool empty() const noexcept { return frames_.empty(); }
    std::size_t bytes() const noexcept { return bytes_; }
    std::size_t max_bytes() const noexcept { return max_bytes_; }

    void push(OutgoingFrame frame) {
        bytes_ += cost(frame);
        frames_.push_back(std::move(frame));
    }
    OutgoingFrame& front() { return frames_.front(); }
    void pop() {
        bytes_ -= cost(frames_.front());
        frames_.pop_front();
    }
    // Drops every frame not being written yet.
    void drop_waiting() {
        while (!frames_.empty() && !frames_.back().in_flight) {
            bytes_ -= cost(frames_.back());
            frames_.pop_back();
        }
    }
    void clear() {
        frames_.clear();
        bytes_ = 0;
    }

  private:
    // Each frame costs its payload and its bookkeeping, so a flood of empty frames counts too.
    static std::size_t cost(const OutgoingFrame& frame) noexcept {
        return frame.payload.size() + sizeof(OutgoingFrame);
    }

    std::size_t max_bytes_;
    std::size_t bytes_ = 0;
    std::deque<OutgoingFrame> frames_;
};

}  // namespace goldenpath::detail
