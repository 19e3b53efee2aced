#include <utility>

#include "goldenpath/event_sequence_verifier.hpp"

namespace goldenpath {

BoundedTimeline::BoundedTimeline(std::size_t head_limit, std::size_t tail_limit)
    : head_limit_(head_limit), tail_limit_(tail_limit) {}

void BoundedTimeline::push(TimelineEntry entry) {
    if (head_.size() < head_limit_) {
        head_.push_back(std::move(entry));
        return;
    }
    tail_.push_back(std::move(entry));
    if (tail_.size() > tail_limit_) {
        tail_.pop_front();
        ++omitted_;
    }
}

void BoundedTimeline::shift_offsets(double ms) {
    for (TimelineEntry& entry : head_) {
        entry.offset_ms += ms;
    }
    for (TimelineEntry& entry : tail_) {
        entry.offset_ms += ms;
    }
}

std::vector<TimelineEntry> BoundedTimeline::entries() const {
    std::vector<TimelineEntry> out;
    out.reserve(head_.size() + tail_.size() + (omitted_ > 0 ? 1 : 0));
    out.insert(out.end(), head_.begin(), head_.end());
    if (omitted_ > 0) {
        TimelineEntry marker;
        marker.omitted = omitted_;
        out.push_back(std::move(marker));
    }
    out.insert(out.end(), tail_.begin(), tail_.end());
    return out;
}

}  // namespace goldenpath
