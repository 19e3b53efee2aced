#include <algorithm>
#include <atomic>
#include <cstddef>
#include <iterator>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

#include "goldenpath/event_sequence_verifier.hpp"
#include "printable.hpp"
#include "text_helpers.hpp"

namespace goldenpath {

BoundedTimeline::BoundedTimeline(std::size_t head_limit, std::size_t tail_limit)
    : head_limit_(head_limit), tail_limit_(tail_limit) {}

void BoundedTimeline::push(TimelineEntry&& entry) {
    if (head_.size() < head_limit_) {
        if (head_.empty()) {
            head_.reserve(std::min(head_limit_, kFirstCapacity));
        }
        head_.push_back(std::move(entry));
        return;
    }
    if (tail_limit_ == 0) {
        ++omitted_;
        return;
    }
    if (tail_.size() < tail_limit_) {
        tail_.push_back(std::move(entry));
        return;
    }
    tail_[tail_start_] = std::move(entry);
    tail_start_ = (tail_start_ + 1) % tail_.size();
    ++omitted_;
}

void BoundedTimeline::shift_offsets(double ms) {
    for (TimelineEntry& entry : head_) {
        entry.offset_ms += ms;
    }
    for (TimelineEntry& entry : tail_) {
        entry.offset_ms += ms;
    }
}

namespace {

// The kept entries of head, tail ring and omitted count, in order; copied from or moved out of
// `timeline`'s containers as Head and Tail are const or not.
template <typename Head, typename Tail>
std::vector<TimelineEntry> ordered_entries(Head& head, Tail& tail, std::size_t tail_start,
                                           std::size_t omitted) {
    std::vector<TimelineEntry> out;
    out.reserve(head.size() + tail.size() + (omitted > 0 ? 1 : 0));
    const auto take = [&out](auto first, auto last) {
        if constexpr (std::is_const_v<Head>) {
            out.insert(out.end(), first, last);
        } else {
            out.insert(out.end(), std::make_move_iterator(first), std::make_move_iterator(last));
        }
    };
    take(head.begin(), head.end());
    if (omitted > 0) {
        TimelineEntry marker;
        marker.omitted = omitted;
        out.push_back(std::move(marker));
    }
    const auto start = tail.begin() + static_cast<std::ptrdiff_t>(tail_start);
    take(start, tail.end());
    take(tail.begin(), start);
    return out;
}

}  // namespace

std::vector<TimelineEntry> BoundedTimeline::entries() const& {
    return ordered_entries(head_, tail_, tail_start_, omitted_);
}

std::vector<TimelineEntry> BoundedTimeline::entries() && {
    // Most timelines never fill their head: it is the answer, handed over without a copy.
    auto out = tail_.empty() && omitted_ == 0
                   ? std::move(head_)
                   : ordered_entries(head_, tail_, tail_start_, omitted_);
    head_.clear();
    tail_.clear();
    tail_start_ = 0;
    omitted_ = 0;
    return out;
}

namespace {

std::atomic<std::size_t> timelines_formatted{0};

std::string_view role_marker(EventRole role) {
    switch (role) {
        case EventRole::ignored:
            return " [ignored]";
        case EventRole::ready:
            return " [ready]";
        case EventRole::unknown:
            return " [unknown]";
        case EventRole::terminal_failure:
            return " [terminal failure]";
        case EventRole::run_event:
            break;
    }
    return "";
}

}  // namespace

std::size_t formatted_timeline_count() noexcept {
    return timelines_formatted.load(std::memory_order_relaxed);
}

std::string format_timeline(const std::vector<TimelineEntry>& timeline) {
    timelines_formatted.fetch_add(1, std::memory_order_relaxed);
    std::string out;
    out.reserve(timeline.size() * 64);
    for (const TimelineEntry& entry : timeline) {
        if (entry.omitted > 0) {
            fmt::format_to(std::back_inserter(out), "... {} omitted ...\n",
                           detail::plural(entry.omitted, "event"));
            continue;
        }
        if (entry.event_index) {
            fmt::format_to(std::back_inserter(out), "#{}", *entry.event_index);
        } else {
            out += "#-";
        }
        fmt::format_to(std::back_inserter(out), " {:+.1f}ms ({:+.1f}ms) {}{}\n", entry.offset_ms,
                       entry.gap_ms, detail::printable(entry.summary), role_marker(entry.role));
    }
    return out;
}

}  // namespace goldenpath
