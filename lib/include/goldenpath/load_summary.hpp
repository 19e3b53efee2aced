#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "goldenpath/golden_path_journey.hpp"

namespace goldenpath {

// The part of a journey that load statistics need.
struct JourneySample {
    bool passed = false;
    std::optional<double> connect_ms;
    std::optional<double> first_event_ms;
    std::optional<double> completion_ms;
    std::string failure_label;  // Failure::kind_label() when failed

    static JourneySample of(const JourneyResult& result);
    friend bool operator==(const JourneySample&, const JourneySample&) = default;
};

// Nearest-rank percentiles of one phase, over the journeys that reached it.
struct PhasePercentiles {
    std::size_t count = 0;
    double p50 = 0;
    double p95 = 0;
    double p99 = 0;
    double max = 0;
};

// Success rate, failures grouped by kind, and per-phase percentiles of many journeys.
struct LoadSummary {
    std::size_t journeys = 0;
    std::size_t passed = 0;
    std::map<std::string, std::size_t> failures_by_kind;  // "refused" -> 37
    std::optional<PhasePercentiles> connect;
    std::optional<PhasePercentiles> first_event;
    std::optional<PhasePercentiles> completion;

    static LoadSummary of(const std::vector<JourneySample>& samples);
    double success_percent() const;
    // "refused: 37, timeout(first_event): 3", empty when none failed.
    std::string failures_text() const;
    // A small table for people.
    std::string to_string() const;
    nlohmann::json to_json() const;
};

// One `--sla` expression: `(p50|p95|p99|max).(connect|first_event|completion)<Nms` or
// `success>=P%`.
struct SlaExpression {
    enum class Metric { connect, first_event, completion, success };
    enum class Statistic { p50, p95, p99, max, rate };

    std::string text;
    Metric metric = Metric::completion;
    Statistic statistic = Statistic::p95;
    double limit = 0;  // milliseconds, or percent for success

    // Throws ConfigError naming `field` (a flag or variable) and quoting the expression.
    static SlaExpression parse(std::string_view text, std::string_view field);
};

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
