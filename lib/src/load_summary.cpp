#include "goldenpath/load_summary.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "goldenpath/endpoint_config.hpp"

namespace goldenpath {
namespace {

std::optional<PhasePercentiles> percentiles(std::vector<double> values) {
    if (values.empty()) {
        return std::nullopt;
    }
    std::sort(values.begin(), values.end());
    const auto rank = [&](double p) {
        const auto n = static_cast<double>(values.size());
        const auto index = static_cast<std::size_t>(std::max(1.0, std::ceil(p / 100.0 * n))) - 1;
        return values[std::min(index, values.size() - 1)];
    };
    return PhasePercentiles{values.size(), rank(50), rank(95), rank(99), values.back()};
}

template <typename Member>
std::vector<double> collect(const std::vector<JourneySample>& samples, Member member) {
    std::vector<double> values;
    values.reserve(samples.size());
    for (const auto& sample : samples) {
        if (const auto& value = sample.*member) {
            values.push_back(*value);
        }
    }
    return values;
}

nlohmann::json percentiles_json(const std::optional<PhasePercentiles>& p) {
    if (!p) {
        return nullptr;
    }
    return {
        {"count", p->count}, {"p50", p->p50}, {"p95", p->p95}, {"p99", p->p99}, {"max", p->max}};
}

std::string percentiles_row(std::string_view name, const std::optional<PhasePercentiles>& p) {
    if (!p) {
        return fmt::format("  {:<12} {:>8} {:>9} {:>9} {:>9} {:>9}\n", name, 0, "-", "-", "-", "-");
    }
    return fmt::format("  {:<12} {:>8} {:>9.1f} {:>9.1f} {:>9.1f} {:>9.1f}\n", name, p->count,
                       p->p50, p->p95, p->p99, p->max);
}

std::string_view metric_name(SlaExpression::Metric metric) {
    switch (metric) {
        case SlaExpression::Metric::connect:
            return "connect";
        case SlaExpression::Metric::first_event:
            return "first_event";
        case SlaExpression::Metric::completion:
            return "completion";
        case SlaExpression::Metric::success:
            return "success";
    }
    return "?";
}

std::optional<double> parse_number(std::string_view text) {
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || text.empty() || !std::isfinite(value) || value < 0) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

JourneySample JourneySample::of(const JourneyResult& result) {
    JourneySample sample;
    sample.passed = result.passed();
    sample.connect_ms = result.timings.connect_ms;
    sample.first_event_ms = result.timings.first_event_ms;
    sample.completion_ms = result.passed() ? result.timings.completion_ms : std::nullopt;
    if (result.failure) {
        sample.failure_label = result.failure->kind_label();
    }
    return sample;
}

LoadSummary LoadSummary::of(const std::vector<JourneySample>& samples) {
    LoadSummary summary;
    summary.journeys = samples.size();
    for (const auto& sample : samples) {
        if (sample.passed) {
            ++summary.passed;
        } else {
            ++summary.failures_by_kind[sample.failure_label.empty() ? "unknown"
                                                                    : sample.failure_label];
        }
    }
    summary.connect = percentiles(collect(samples, &JourneySample::connect_ms));
    summary.first_event = percentiles(collect(samples, &JourneySample::first_event_ms));
    summary.completion = percentiles(collect(samples, &JourneySample::completion_ms));
    return summary;
}

double LoadSummary::success_percent() const {
    return journeys == 0 ? 0.0
                         : 100.0 * static_cast<double>(passed) / static_cast<double>(journeys);
}

std::string LoadSummary::failures_text() const {
    std::vector<std::pair<std::string, std::size_t>> sorted(failures_by_kind.begin(),
                                                            failures_by_kind.end());
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string text;
    for (const auto& [kind, count] : sorted) {
        text += fmt::format("{}{}: {}", text.empty() ? "" : ", ", kind, count);
    }
    return text;
}

std::string LoadSummary::to_string() const {
    std::string text = fmt::format("journeys: {}, passed: {}, failed: {} ({:.1f}% success)\n",
                                   journeys, passed, journeys - passed, success_percent());
    if (!failures_by_kind.empty()) {
        text += fmt::format("failures: {}\n", failures_text());
    }
    text += fmt::format("  {:<12} {:>8} {:>9} {:>9} {:>9} {:>9}\n", "phase (ms)", "count", "p50",
                        "p95", "p99", "max");
    text += percentiles_row("connect", connect);
    text += percentiles_row("first_event", first_event);
    text += percentiles_row("completion", completion);
    return text;
}

nlohmann::json LoadSummary::to_json() const {
    return {{"journeys", journeys},
            {"passed", passed},
            {"success_percent", success_percent()},
            {"failures_by_kind", failures_by_kind},
            {"connect_ms", percentiles_json(connect)},
            {"first_event_ms", percentiles_json(first_event)},
            {"completion_ms", percentiles_json(completion)}};
}

SlaExpression SlaExpression::parse(std::string_view text, std::string_view field) {
    // One grammar for config and reports: validate_sla_expression throws the ConfigError.
    validate_sla_expression(text, field);
    SlaExpression sla;
    sla.text = std::string(text);
    if (text.starts_with("success>=")) {
        sla.metric = Metric::success;
        sla.statistic = Statistic::rate;
        sla.limit = parse_number(text.substr(9, text.size() - 10)).value_or(0);
        return sla;
    }
    const auto dot = text.find('.');
    const auto less = text.find('<');
    const auto statistic = text.substr(0, dot);
    const auto metric = text.substr(dot + 1, less - dot - 1);
    sla.statistic = statistic == "p50"   ? Statistic::p50
                    : statistic == "p95" ? Statistic::p95
                    : statistic == "p99" ? Statistic::p99
                                         : Statistic::max;
    sla.metric = metric == "connect"       ? Metric::connect
                 : metric == "first_event" ? Metric::first_event
                                           : Metric::completion;
    sla.limit = parse_number(text.substr(less + 1, text.size() - less - 3)).value_or(0);
    return sla;
}

std::vector<SlaResult> evaluate_slas(const std::vector<SlaExpression>& slas,
                                     const LoadSummary& summary) {
    std::vector<SlaResult> results;
    for (const auto& sla : slas) {
        SlaResult result{sla, false, std::nullopt};
        if (sla.metric == SlaExpression::Metric::success) {
            result.actual = summary.success_percent();
            result.held = summary.journeys > 0 && *result.actual >= sla.limit;
        } else {
            const auto& phase = sla.metric == SlaExpression::Metric::connect ? summary.connect
                                : sla.metric == SlaExpression::Metric::first_event
                                    ? summary.first_event
                                    : summary.completion;
            if (phase) {
                switch (sla.statistic) {
                    case SlaExpression::Statistic::p50:
                        result.actual = phase->p50;
                        break;
                    case SlaExpression::Statistic::p95:
                        result.actual = phase->p95;
                        break;
                    case SlaExpression::Statistic::p99:
                        result.actual = phase->p99;
                        break;
                    case SlaExpression::Statistic::max:
                    case SlaExpression::Statistic::rate:
                        result.actual = phase->max;
                        break;
                }
                result.held = *result.actual < sla.limit;
            }
        }
        results.push_back(std::move(result));
    }
    return results;
}

std::string SlaResult::to_string(const LoadSummary& summary) const {
    const std::string failed =
        summary.failures_by_kind.empty()
            ? std::string()
            : fmt::format(" ({} failed: {})", summary.journeys - summary.passed,
                          summary.failures_text());
    if (!actual) {
        return fmt::format("sla {} violated: no journey reached {}{}", expression.text,
                           metric_name(expression.metric), failed);
    }
    if (expression.metric == SlaExpression::Metric::success) {
        return fmt::format("sla {} {}: {:.1f}%{}", expression.text, held ? "held" : "violated",
                           *actual, held ? std::string() : failed);
    }
    return fmt::format("sla {} {}: {:.1f} ms{}", expression.text, held ? "held" : "violated",
                       *actual, held ? std::string() : failed);
}

}  // namespace goldenpath
