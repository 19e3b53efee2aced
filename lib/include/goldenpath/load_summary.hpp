#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/sla_expression.hpp"

namespace goldenpath {

// Version of the load report JSON (`goldenpath-probe --json`, LoadReport::to_json). 1: raw
// `samples` only; 2: the summary carries mergeable per-phase histograms.
inline constexpr int kLoadReportSchemaVersion = 2;

// The part of a journey that load statistics need.
struct JourneySample {
    bool passed = false;
    std::optional<double> connect_ms;
    std::optional<double> first_event_ms;
    std::optional<double> completion_ms;
    std::string failure_label;       // Failure::kind_label() when failed
    std::optional<double> ready_ms;  // last, so positional initialisers stay valid

    static JourneySample of(const JourneyResult& result);
    nlohmann::json to_json() const;
    friend bool operator==(const JourneySample&, const JourneySample&) = default;
};
std::ostream& operator<<(std::ostream& out, const JourneySample& sample);  // its JSON

// Latencies of one phase in fixed log-linear buckets of whole microseconds, so histograms from
// different processes and machines add up exactly. Below 128 µs every microsecond is a bucket;
// above, each power of two is split into 128 equal buckets (relative width <= 1/128, under 1%).
// Values are clamped to 0 µs .. 1 h. Only non-empty buckets are stored.
// Not thread-safe, like a standard container: only const members may run concurrently.
class LatencyHistogram {
  public:
    static constexpr std::int64_t kMaxMicros = 3'600'000'000;  // 1 h

    void record(double milliseconds);
    void merge(const LatencyHistogram& other);

    std::size_t count() const noexcept { return count_; }
    bool empty() const noexcept { return count_ == 0; }
    // Exact largest recorded value, in whole microseconds.
    std::int64_t max_micros() const noexcept { return max_micros_; }
    // Nearest-rank percentile (0 < p <= 100), in milliseconds: the highest value of the bucket
    // holding that rank, capped at the exact maximum. 0 when empty.
    double percentile_ms(double p) const;

    // {"unit":"us","scheme":"log-linear-128","max_us":N,"buckets":[[lowest_us,count],...]}
    nlohmann::json to_json() const;
    // Throws ConfigError naming `pointer` (a JSON pointer, e.g. "/summary/connect_ms/histogram")
    // and quoting the offending value.
    static LatencyHistogram from_json(const nlohmann::json& json, const std::string& pointer);

    friend bool operator==(const LatencyHistogram&, const LatencyHistogram&) = default;

  private:
    std::map<std::int64_t, std::size_t> buckets_;  // bucket's lowest value (µs) -> count
    std::size_t count_ = 0;
    std::int64_t max_micros_ = 0;
};

// Nearest-rank percentiles of one phase, over the journeys that reached it (from its histogram:
// within 1% of the exact value; max is exact to the microsecond).
struct PhasePercentiles {
    std::size_t count = 0;
    double p50 = 0;
    double p95 = 0;
    double p99 = 0;
    double max = 0;

    static std::optional<PhasePercentiles> of(const LatencyHistogram& histogram);
    friend bool operator==(const PhasePercentiles&, const PhasePercentiles&) = default;
};
std::ostream& operator<<(std::ostream& out, const PhasePercentiles& percentiles);

// Success rate, failures grouped by kind, and per-phase latency histograms and percentiles of many
// journeys. Summaries merge exactly: merging the summaries of parts equals the summary of the
// whole.
struct LoadSummary {
    std::size_t journeys = 0;
    std::size_t passed = 0;
    std::map<std::string, std::size_t> failures_by_kind;  // "refused" -> 37
    std::optional<PhasePercentiles> connect;
    std::optional<PhasePercentiles> first_event;
    std::optional<PhasePercentiles> completion;
    LatencyHistogram connect_histogram;
    LatencyHistogram first_event_histogram;
    LatencyHistogram completion_histogram;
    // connection_established after the upgrade; in the JSON only (reports before it lack it).
    std::optional<PhasePercentiles> ready;
    LatencyHistogram ready_histogram;

    static LoadSummary of(const std::vector<JourneySample>& samples);
    // Adds `other`'s journeys, failures and histograms, and recomputes the percentiles.
    void merge(const LoadSummary& other);

    double success_percent() const;
    // "refused: 37, timeout(first_event): 3", empty when none failed.
    std::string failures_text() const;
    // A small table for people: counts, failures by kind, p50/p95/p99/max per phase.
    std::string to_string() const;
    // Counts, failures by kind, and per phase count, percentiles and histogram.
    nlohmann::json to_json() const;
    // Reads to_json()'s form; ConfigError naming the JSON pointer (under `pointer`) otherwise.
    static LoadSummary from_json(const nlohmann::json& json, const std::string& pointer = "");
    // The summary of a load report: schema_version 2 reads "summary", 1 recomputes it from
    // "samples". ConfigError naming the field otherwise (unknown version, missing fields).
    static LoadSummary from_report_json(const nlohmann::json& report);

    friend bool operator==(const LoadSummary&, const LoadSummary&) = default;

  private:
    void compute_percentiles();
};

// A load report read from somewhere: `name` (e.g. its file) appears in every error about it.
struct NamedReport {
    std::string name;
    nlohmann::json report;
};

// The summary of all journeys of `reports` (LoadSummary::from_report_json, then merge): exactly
// what one run over the union of their journeys would report. Every report must carry the same
// schema_version; ConfigError (id "goldenpath.report") naming the report and the JSON pointer
// otherwise, and when `reports` is empty.
LoadSummary merge_reports(const std::vector<NamedReport>& reports);

struct SlaResult {
    SlaExpression expression;
    bool held = false;
    std::optional<double> actual;  // absent when no journey reached the phase
    // "p95.completion<500ms held: 12.3 ms" or "... violated: no journey reached completion
    // (10 failed: refused: 10)".
    std::string to_string(const LoadSummary& summary) const;
};

std::vector<SlaResult> evaluate_slas(const std::vector<SlaExpression>& slas,
                                     const LoadSummary& summary);

}  // namespace goldenpath
