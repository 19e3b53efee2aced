// The raw loopback TCP floor goldenpath-bench compares a journey with. Internal to the bench.
#pragma once

#include <cstddef>

#include "timed_journeys.hpp"

namespace goldenpath::bench {

struct FloorRun {
    TimedJourneys journeys;
    std::size_t round_trips = 0;
    std::size_t request_bytes = 0;
    std::size_t response_bytes = 0;
};

// Journeys of plain bytes over loopback TCP, one connection each, until `journeys` or
// `max_seconds`: with `ws_shaped` false one exchange (the start message, then the bytes of
// connection_established and the five events); with it the three round trips of a WebSocket
// journey (upgrade, start and events, close), still without framing or parsing.
FloorRun run_tcp_floor(std::size_t journeys, double max_seconds, bool ws_shaped);

}  // namespace goldenpath::bench
