#include "bounded_frames.hpp"

#include <iterator>
#include <utility>

#include "bounded_text.hpp"

namespace goldenpath::detail {

void BoundedFrames::push(std::string_view frame) {
    std::string kept = bounded(frame, kFrameBytes);
    if (!head_full_ && head_.size() < kHeadFrames && head_bytes_ + kept.size() <= kHeadBytes) {
        head_bytes_ += kept.size();
        head_.push_back(std::move(kept));
        return;
    }
    head_full_ = true;
    if (!tail_) {
        tail_ = std::make_unique<std::deque<std::string>>();
    }
    auto& tail = *tail_;
    tail_bytes_ += kept.size();
    tail.push_back(std::move(kept));
    while (tail.size() > kTailFrames || (tail_bytes_ > kTailBytes && tail.size() > 1)) {
        tail_bytes_ -= tail.front().size();
        tail.pop_front();
        ++omitted_;
    }
}

BoundedFrames::Kept BoundedFrames::take() && {
    Kept kept;
    kept.omitted = omitted_;
    kept.omitted_at = head_.size();
    kept.frames = std::move(head_);
    if (tail_) {
        kept.frames.insert(kept.frames.end(), std::make_move_iterator(tail_->begin()),
                           std::make_move_iterator(tail_->end()));
    }
    return kept;
}

}  // namespace goldenpath::detail
