// The raw frames a journey keeps for its result (JSONL dumps): the first and the last ones, each
// cut to a size fit for a trace, so a server cannot make a journey's memory grow with what it
// sends (issue 13, item 8).
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace goldenpath::detail {

class BoundedFrames {
  public:
    static constexpr std::size_t kHeadFrames = 1'000;
    static constexpr std::size_t kTailFrames = 100;
    static constexpr std::size_t kHeadBytes = 4U * 1024U * 1024U;
    static constexpr std::size_t kTailBytes = 2U * 1024U * 1024U;
    // A longer frame is kept as its first bytes and "... (N bytes)".
    static constexpr std::size_t kFrameBytes = 64U * 1024U;

    void push(std::string_view frame);

    // The kept frames in order; `omitted` of them were left out after the first `omitted_at`.
    struct Kept {
        std::vector<std::string> frames;
        std::size_t omitted = 0;
        std::size_t omitted_at = 0;
    };
    Kept take() &&;

  private:
    std::vector<std::string> head_;
    std::size_t head_bytes_ = 0;
    bool head_full_ = false;
    // Made at the first frame past the head: an empty std::deque allocates about 580 bytes and
    // takes 80 more in place, and every journey has a BoundedFrames that almost never reaches its
    // tail.
    std::unique_ptr<std::deque<std::string>> tail_;
    std::size_t tail_bytes_ = 0;
    std::size_t omitted_ = 0;
};

}  // namespace goldenpath::detail
