#include "goldenpath/event_list_verdict.hpp"

#include <algorithm>

namespace goldenpath {

RunIds run_ids_seen(const std::vector<Event>& events, const ProtocolProfile& profile) {
    const auto started = std::find_if(events.begin(), events.end(), [&](const Event& event) {
        return event.type == profile.agent_started;
    });
    if (started != events.end()) {
        return RunIds{started->thread_id, started->run_id};
    }
    const auto counted = std::find_if(events.begin(), events.end(), [&](const Event& event) {
        return event.type != profile.ready_type && !profile.is_ignored(event.type) &&
               (profile.is_golden_path_type(event.type) || profile.is_terminal_failure(event.type));
    });
    if (counted != events.end()) {
        return RunIds{counted->thread_id, counted->run_id};
    }
    return {};
}

EventListVerdict verify_event_list(const std::vector<Event>& events, const ProtocolProfile& profile,
                                   const std::optional<RunIds>& run) {
    EventSequenceVerifier verifier(profile);
    const RunIds ids = run ? *run : run_ids_seen(events, profile);
    verifier.start_run(ids.thread_id, ids.run_id,
                       events.empty() ? Clock::time_point{} : events.front().arrival);
    EventListVerdict result;
    result.event_indices.reserve(events.size());
    for (const Event& event : events) {
        verifier.feed(event);
        result.event_indices.push_back(verifier.last_event_index());
    }
    verifier.end_of_stream("end of the event list");
    result.verdict = std::move(verifier).verdict();
    return result;
}

}  // namespace goldenpath
