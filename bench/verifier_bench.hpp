#pragma once
// goldenpath-bench's (d) workload: the EventSequenceVerifier on its own, and with the frames
// parsed first, by parse_event and by nlohmann::json alone side by side.

#include <cstddef>

#include <nlohmann/json.hpp>

namespace goldenpath::bench {

// About `events` events (whole runs of five), each row stopping after `max_seconds`. Rows:
// preparsed, parse_and_verify, nlohmann_parse_and_verify, preparsed_cold.
nlohmann::json bench_verifier(std::size_t events, double max_seconds);

}  // namespace goldenpath::bench
