// A run's timeline made from its connection's (EventSequenceVerifier::keep_run_timelines).
#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "goldenpath/event_sequence_verifier.hpp"

namespace goldenpath {

namespace {

// A frame's connection timeline entry as its run's timeline shows it: timed from the run's origin
// and from the run's frame before it, if any.
TimelineEntry run_entry(const TimelineEntry& connection_entry, Clock::time_point run_origin,
                        std::optional<Clock::time_point> previous, Clock::time_point arrival) {
    TimelineEntry entry = connection_entry;
    entry.offset_ms = elapsed_ms(run_origin, arrival);
    entry.gap_ms = previous ? elapsed_ms(*previous, arrival) : 0.0;
    return entry;
}

}  // namespace

void EventSequenceVerifier::record(RunState& run, Clock::time_point arrival,
                                   const TimelineEntry& connection_entry) {
    const auto previous =
        run.timeline.empty() ? std::nullopt : std::optional<Clock::time_point>(run.last_arrival);
    run.timeline.push(run_entry(connection_entry, run.origin, previous, arrival));
    run.last_arrival = arrival;
}

void EventSequenceVerifier::keep_run_timelines() {
    const std::vector<TimelineEntry>& frames = connection_timeline_.head_;
    for (std::size_t i = 0; i < frame_owners_.size() && i < frames.size(); ++i) {
        if (const std::optional<RunId> run = frame_owners_[i].run) {
            record(runs_[*run], frame_owners_[i].arrival, frames[i]);
        }
    }
    frame_owners_.clear();
    frame_owners_.shrink_to_fit();
    run_timelines_kept_ = true;
}

std::vector<TimelineEntry> EventSequenceVerifier::derived_run_timeline(RunId run) const {
    const RunState& state = runs_.at(run);
    const std::vector<TimelineEntry>& frames = connection_timeline_.head_;
    std::vector<TimelineEntry> out;
    std::optional<Clock::time_point> previous;
    for (std::size_t i = 0; i < frame_owners_.size() && i < frames.size(); ++i) {
        if (frame_owners_[i].run == run) {
            const Clock::time_point arrival = frame_owners_[i].arrival;
            out.push_back(run_entry(frames[i], state.origin, previous, arrival));
            previous = arrival;
        }
    }
    return out;
}

}  // namespace goldenpath
