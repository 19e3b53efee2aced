#include "goldenpath/merged_report.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "goldenpath/config_error.hpp"
#include "goldenpath/load_run.hpp"
#include "goldenpath/throughput_series.hpp"

namespace goldenpath {

nlohmann::json merged_report_json(std::vector<NamedReport> reports, const LoadSummary& summary,
                                  const std::vector<SlaResult>& slas) {
    auto names = nlohmann::json::array();
    auto journeys = nlohmann::json::array();
    auto violations = nlohmann::json::array();
    std::size_t violation_count = 0;
    double wall_ms = 0;
    std::optional<ThroughputSeries> throughput = ThroughputSeries{};
    for (auto& named : reports) {
        names.push_back(named.name);
        auto& report = named.report;
        if (!report.is_object()) {
            continue;
        }
        if (report.contains("wall_ms") && report["wall_ms"].is_number()) {
            wall_ms = std::max(wall_ms, report["wall_ms"].get<double>());
        }
        if (throughput && report.contains("throughput")) {
            try {
                throughput->merge(ThroughputSeries::from_json(report["throughput"], "/throughput"));
            } catch (const ConfigError& error) {
                throw ConfigError(error.id(), named.name + ": " + error.field(),
                                  error.requirement(), error.actual());
            }
        } else {
            throughput.reset();
        }
        const auto& isolation = report.value("isolation", nlohmann::json::object());
        if (isolation.is_object() && isolation.contains("count") &&
            isolation["count"].is_number_unsigned()) {
            violation_count += isolation["count"].get<std::size_t>();
        }
        if (isolation.is_object() && isolation.contains("first") && isolation["first"].is_array()) {
            for (const auto& violation : isolation["first"]) {
                if (violations.size() < IsolationReport::kDescribed) {
                    violations.push_back(violation);
                }
            }
        }
        if (report.contains("journeys") && report["journeys"].is_array()) {
            for (auto& journey : report["journeys"]) {
                if (journey.is_object()) {
                    journey["report"] = named.name;
                    journeys.push_back(std::move(journey));
                }
            }
        }
    }
    auto sla_json = nlohmann::json::array();
    bool slas_held = true;
    for (const auto& sla : slas) {
        slas_held = slas_held && sla.held;
        sla_json.push_back({{"expression", sla.expression.text},
                            {"held", sla.held},
                            {"actual", sla.actual ? nlohmann::json(*sla.actual) : nullptr},
                            {"message", sla.to_string(summary)}});
    }
    nlohmann::json merged = {
        {"schema_version", kLoadReportSchemaVersion},
        {"merged_from", std::move(names)},
        {"passed", summary.journeys > 0 && summary.passed == summary.journeys && slas_held},
        {"summary", summary.to_json()},
        {"isolation", {{"count", violation_count}, {"first", std::move(violations)}}},
        {"slas", std::move(sla_json)},
        {"wall_ms", wall_ms},
        {"journeys", std::move(journeys)}};
    if (throughput && !throughput->empty()) {
        merged["throughput"] = throughput->to_json();
    }
    return merged;
}

}  // namespace goldenpath
