#pragma once
// Inline SVG charts of the HTML report. Each takes a piece of the report JSON as it is and draws
// it; coordinates are clamped, strings escaped.

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace goldenpath::svg {

// A phase of the summary ({"count","p50","p95","p99","max","histogram":{...}}): its log-linear
// buckets as bars on a logarithmic time axis, with the p50/p95/p99/max marks.
std::string histogram(const nlohmann::json& phase);

// {"bucket_ms","finished","failed"}: passed and failed journeys per bucket, stacked.
std::string throughput(const nlohmann::json& series);

// A journey of the report (timings_ms, timeline, failure): connect and ready as bars before the
// start message, then one row per frame at its offset (at most `max_rows` rows: the first and the
// last ones).
std::string waterfall(const nlohmann::json& journey, std::size_t max_rows = 48);

}  // namespace goldenpath::svg
