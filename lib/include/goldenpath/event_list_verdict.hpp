#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "goldenpath/event.hpp"
#include "goldenpath/event_sequence_verifier.hpp"
#include "goldenpath/protocol_profile.hpp"

namespace goldenpath {

// The ids a client gave the run it started (either may be empty).
struct RunIds {
    std::string thread_id;
    std::string run_id;

    friend bool operator==(const RunIds&, const RunIds&) = default;
};
std::ostream& operator<<(std::ostream& out, const RunIds& ids);  // {thread_id: t, run_id: r}

// The run a list of received events shows: the ids of its first agent_started, else those of its
// first run or terminal event; both empty when no event carries any (an id-less run).
RunIds run_ids_seen(const std::vector<Event>& events, const ProtocolProfile& profile);

// The verdict on a list of events, and how each event is numbered in its timeline.
struct EventListVerdict {
    Verdict verdict;  // connection-wide: every event of the list is in its timeline
    // Per event of the list, in order: its index within its run (the timeline's "#N"), or nullopt
    // where the timeline shows "#-" (ready, ignored, unknown and foreign frames).
    std::vector<std::optional<std::size_t>> event_indices;
};

// Judges `events` as the client that received them did (docs/wire-contract.md): the ready frame
// and ignored types are allowed anywhere, and the client's one run is `run`, or, when not given,
// run_ids_seen(events). Offsets are timed from the first event's arrival.
EventListVerdict verify_event_list(const std::vector<Event>& events,
                                   const ProtocolProfile& profile = default_profile(),
                                   const std::optional<RunIds>& run = std::nullopt);

}  // namespace goldenpath
