#include "goldenpath/load_summary.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "goldenpath/config_error.hpp"
#include "json_reader.hpp"

namespace goldenpath {
namespace {

constexpr int kSubBucketBits = 7;  // 128 buckets per power of two
constexpr std::int64_t kLinearLimit = std::int64_t{1} << kSubBucketBits;
constexpr std::string_view kHistogramScheme = "log-linear-128";

std::int64_t to_micros(double milliseconds) {
    if (!std::isfinite(milliseconds) || milliseconds <= 0) {
        return 0;
    }
    const double micros = std::round(milliseconds * 1000.0);
    return micros >= static_cast<double>(LatencyHistogram::kMaxMicros)
               ? LatencyHistogram::kMaxMicros
               : static_cast<std::int64_t>(micros);
}

// Power-of-two magnitude above the linear range: how far the bucket width is shifted.
int width_shift(std::int64_t micros) {
    const auto magnitude = static_cast<int>(std::bit_width(static_cast<std::uint64_t>(micros))) - 1;
    return magnitude - kSubBucketBits;
}

std::int64_t bucket_lowest(std::int64_t micros) {
    if (micros < kLinearLimit) {
        return micros;
    }
    const int shift = width_shift(micros);
    return (micros >> shift) << shift;
}

std::int64_t bucket_highest(std::int64_t lowest) {
    if (lowest < kLinearLimit) {
        return lowest;
    }
    return lowest + (std::int64_t{1} << width_shift(lowest)) - 1;
}

// The report's root is named "/" rather than "" (a field must be named).
ConfigError report_error(const std::string& pointer, std::string_view requirement,
                         const nlohmann::json& actual) {
    static const detail::JsonReader reader{"goldenpath.report"};
    return reader.error(pointer.empty() ? "/" : pointer, requirement, actual);
}

// The member `key` of an object, or null: unlike json::value(), never throws on a mistyped member.
const nlohmann::json& member(const nlohmann::json& object, const char* key) {
    static const nlohmann::json null_value;
    if (!object.is_object()) {
        return null_value;
    }
    const auto found = object.find(key);
    return found == object.end() ? null_value : *found;
}

bool is_count(const nlohmann::json& value) {
    return value.is_number_unsigned() || (value.is_number_integer() && value.get<long long>() >= 0);
}

std::size_t read_count(const nlohmann::json& object, const char* key, const std::string& pointer) {
    const std::string field = pointer + "/" + key;
    if (!object.contains(key)) {
        throw report_error(field, "must be a non-negative integer", nullptr);
    }
    const auto& value = object[key];
    if (!is_count(value)) {
        throw report_error(field, "must be a non-negative integer", value);
    }
    return value.get<std::size_t>();
}

nlohmann::json phase_json(const std::optional<PhasePercentiles>& p,
                          const LatencyHistogram& histogram) {
    if (!p) {
        return nullptr;
    }
    return {{"count", p->count}, {"p50", p->p50}, {"p95", p->p95},
            {"p99", p->p99},     {"max", p->max}, {"histogram", histogram.to_json()}};
}

LatencyHistogram phase_from_json(const nlohmann::json& summary, const char* key,
                                 const std::string& pointer) {
    const std::string field = pointer + "/" + key;
    if (!summary.contains(key) || summary[key].is_null()) {
        return {};
    }
    const auto& phase = summary[key];
    if (!phase.is_object() || !phase.contains("histogram")) {
        throw report_error(field, "must be null or an object with \"histogram\"", phase);
    }
    return LatencyHistogram::from_json(phase["histogram"], field + "/histogram");
}

std::string percentiles_row(std::string_view name, const std::optional<PhasePercentiles>& p) {
    if (!p) {
        return fmt::format("  {:<12} {:>8} {:>9} {:>9} {:>9} {:>9}\n", name, 0, "-", "-", "-", "-");
    }
    return fmt::format("  {:<12} {:>8} {:>9.1f} {:>9.1f} {:>9.1f} {:>9.1f}\n", name, p->count,
                       p->p50, p->p95, p->p99, p->max);
}

}  // namespace

JourneySample JourneySample::of(const JourneyResult& result) {
    JourneySample sample;
    sample.passed = result.passed();
    sample.connect_ms = result.timings.connect_ms;
    sample.first_event_ms = result.timings.first_event_ms;
    sample.ready_ms = result.timings.ready_ms;
    sample.completion_ms = result.passed() ? result.timings.completion_ms : std::nullopt;
    if (result.failure) {
        sample.failure_label = result.failure->kind_label();
    }
    return sample;
}

nlohmann::json JourneySample::to_json() const {
    const auto ms = [](const std::optional<double>& v) {
        return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    return {{"passed", passed},
            {"connect_ms", ms(connect_ms)},
            {"first_event_ms", ms(first_event_ms)},
            {"completion_ms", ms(completion_ms)},
            {"failure", failure_label},
            {"ready_ms", ms(ready_ms)}};
}

void LatencyHistogram::record(double milliseconds) {
    const std::int64_t micros = to_micros(milliseconds);
    ++buckets_[bucket_lowest(micros)];
    ++count_;
    max_micros_ = std::max(max_micros_, micros);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
    for (const auto& [lowest, count] : other.buckets_) {
        buckets_[lowest] += count;
    }
    count_ += other.count_;
    max_micros_ = std::max(max_micros_, other.max_micros_);
}

double LatencyHistogram::percentile_ms(double p) const {
    if (count_ == 0) {
        return 0;
    }
    const auto n = static_cast<double>(count_);
    const auto rank = static_cast<std::size_t>(std::max(1.0, std::ceil(p * n / 100.0)));
    std::size_t seen = 0;
    for (const auto& [lowest, count] : buckets_) {
        seen += count;
        if (seen >= rank) {
            return static_cast<double>(std::min(bucket_highest(lowest), max_micros_)) / 1000.0;
        }
    }
    return static_cast<double>(max_micros_) / 1000.0;
}

nlohmann::json LatencyHistogram::to_json() const {
    auto buckets = nlohmann::json::array();
    for (const auto& [lowest, count] : buckets_) {
        buckets.push_back({lowest, count});
    }
    return {{"unit", "us"},
            {"scheme", kHistogramScheme},
            {"max_us", max_micros_},
            {"buckets", std::move(buckets)}};
}

LatencyHistogram LatencyHistogram::from_json(const nlohmann::json& json,
                                             const std::string& pointer) {
    if (!json.is_object()) {
        throw report_error(pointer, "must be an object", json);
    }
    if (member(json, "unit") != "us" || member(json, "scheme") != std::string(kHistogramScheme)) {
        throw report_error(pointer + "/scheme",
                           fmt::format("must be \"{}\" with unit \"us\"", kHistogramScheme),
                           member(json, "scheme"));
    }
    LatencyHistogram histogram;
    const auto max = read_count(json, "max_us", pointer);
    if (max > static_cast<std::size_t>(kMaxMicros)) {
        throw report_error(pointer + "/max_us", "must be at most 3600000000 (1 h)", json["max_us"]);
    }
    histogram.max_micros_ = static_cast<std::int64_t>(max);
    if (!json.contains("buckets") || !json["buckets"].is_array()) {
        throw report_error(pointer + "/buckets", "must be an array of [lowest_us, count]",
                           json.value("buckets", nlohmann::json(nullptr)));
    }
    const auto& buckets = json["buckets"];
    for (std::size_t i = 0; i < buckets.size(); ++i) {
        const auto& bucket = buckets[i];
        const std::string field = fmt::format("{}/buckets/{}", pointer, i);
        const bool shaped = bucket.is_array() && bucket.size() == 2 && is_count(bucket[0]) &&
                            is_count(bucket[1]) && bucket[1].get<std::size_t>() > 0;
        if (!shaped) {
            throw report_error(field, "must be [lowest_us, count] with count >= 1", bucket);
        }
        const auto lowest = bucket[0].get<std::int64_t>();
        if (lowest < 0 || lowest > kMaxMicros || bucket_lowest(lowest) != lowest ||
            histogram.buckets_.count(lowest) != 0) {
            throw report_error(field, "must start at a distinct bucket boundary of the scheme",
                               bucket);
        }
        histogram.buckets_[lowest] = bucket[1].get<std::size_t>();
        histogram.count_ += bucket[1].get<std::size_t>();
    }
    if (histogram.count_ > 0 &&
        bucket_lowest(histogram.max_micros_) != histogram.buckets_.rbegin()->first) {
        throw report_error(pointer + "/max_us", "must lie in the highest bucket", json["max_us"]);
    }
    return histogram;
}

std::optional<PhasePercentiles> PhasePercentiles::of(const LatencyHistogram& histogram) {
    if (histogram.empty()) {
        return std::nullopt;
    }
    return PhasePercentiles{histogram.count(), histogram.percentile_ms(50),
                            histogram.percentile_ms(95), histogram.percentile_ms(99),
                            static_cast<double>(histogram.max_micros()) / 1000.0};
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
        if (sample.connect_ms) {
            summary.connect_histogram.record(*sample.connect_ms);
        }
        if (sample.first_event_ms) {
            summary.first_event_histogram.record(*sample.first_event_ms);
        }
        if (sample.completion_ms) {
            summary.completion_histogram.record(*sample.completion_ms);
        }
        if (sample.ready_ms) {
            summary.ready_histogram.record(*sample.ready_ms);
        }
    }
    summary.compute_percentiles();
    return summary;
}

void LoadSummary::merge(const LoadSummary& other) {
    journeys += other.journeys;
    passed += other.passed;
    for (const auto& [kind, count] : other.failures_by_kind) {
        failures_by_kind[kind] += count;
    }
    connect_histogram.merge(other.connect_histogram);
    first_event_histogram.merge(other.first_event_histogram);
    completion_histogram.merge(other.completion_histogram);
    ready_histogram.merge(other.ready_histogram);
    compute_percentiles();
}

void LoadSummary::compute_percentiles() {
    connect = PhasePercentiles::of(connect_histogram);
    first_event = PhasePercentiles::of(first_event_histogram);
    completion = PhasePercentiles::of(completion_histogram);
    ready = PhasePercentiles::of(ready_histogram);
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
            {"connect_ms", phase_json(connect, connect_histogram)},
            {"first_event_ms", phase_json(first_event, first_event_histogram)},
            {"completion_ms", phase_json(completion, completion_histogram)},
            {"ready_ms", phase_json(ready, ready_histogram)}};
}

LoadSummary LoadSummary::from_json(const nlohmann::json& json, const std::string& pointer) {
    if (!json.is_object()) {
        throw report_error(pointer, "must be a load summary object", json);
    }
    LoadSummary summary;
    summary.journeys = read_count(json, "journeys", pointer);
    summary.passed = read_count(json, "passed", pointer);
    if (summary.passed > summary.journeys) {
        throw report_error(pointer + "/passed",
                           fmt::format("must be at most journeys ({})", summary.journeys),
                           json["passed"]);
    }
    const auto& failures = json.value("failures_by_kind", nlohmann::json::object());
    if (!failures.is_object()) {
        throw report_error(pointer + "/failures_by_kind", "must be an object", failures);
    }
    std::size_t failed = 0;
    for (const auto& [kind, count] : failures.items()) {
        summary.failures_by_kind[kind] =
            read_count(failures, kind.c_str(), pointer + "/failures_by_kind");
        failed += summary.failures_by_kind[kind];
    }
    if (failed != summary.journeys - summary.passed) {
        throw report_error(
            pointer + "/failures_by_kind",
            fmt::format("must add up to journeys - passed ({})", summary.journeys - summary.passed),
            failures);
    }
    summary.connect_histogram = phase_from_json(json, "connect_ms", pointer);
    summary.first_event_histogram = phase_from_json(json, "first_event_ms", pointer);
    summary.completion_histogram = phase_from_json(json, "completion_ms", pointer);
    summary.ready_histogram = phase_from_json(json, "ready_ms", pointer);  // absent before ready
    summary.compute_percentiles();
    return summary;
}

LoadSummary LoadSummary::from_report_json(const nlohmann::json& report) {
    if (!report.is_object()) {
        throw report_error("", "must be a goldenpath load report object", report);
    }
    const auto version = report.value("schema_version", nlohmann::json(nullptr));
    if (version == kLoadReportSchemaVersion) {
        return from_json(report.value("summary", nlohmann::json(nullptr)), "/summary");
    }
    if (version != 1) {
        throw report_error("/schema_version",
                           fmt::format("must be 1 or {}", kLoadReportSchemaVersion), version);
    }
    const auto& samples = report.value("samples", nlohmann::json(nullptr));
    if (!samples.is_array()) {
        throw report_error("/samples", "must be an array (schema_version 1)", samples);
    }
    std::vector<JourneySample> parsed;
    for (const auto& sample : samples) {
        JourneySample one;
        if (!sample.is_object()) {
            throw report_error(fmt::format("/samples/{}", parsed.size()), "must be an object",
                               sample);
        }
        const std::string pointer = fmt::format("/samples/{}", parsed.size());
        const auto& passed = member(sample, "passed");
        if (!passed.is_null() && !passed.is_boolean()) {
            throw report_error(pointer + "/passed", "must be a boolean", passed);
        }
        one.passed = passed.is_boolean() && passed.get<bool>();
        const auto ms = [&](const char* key) -> std::optional<double> {
            return sample.contains(key) && sample[key].is_number()
                       ? std::optional<double>(sample[key].get<double>())
                       : std::nullopt;
        };
        one.connect_ms = ms("connect_ms");
        one.first_event_ms = ms("first_event_ms");
        one.completion_ms = ms("completion_ms");
        one.ready_ms = ms("ready_ms");
        const auto& failure = member(sample, "failure");
        if (!failure.is_null() && !failure.is_string()) {
            throw report_error(pointer + "/failure", "must be a string", failure);
        }
        one.failure_label = failure.is_string() ? failure.get<std::string>() : std::string();
        parsed.push_back(std::move(one));
    }
    return of(parsed);
}

LoadSummary merge_reports(const std::vector<NamedReport>& reports) {
    if (reports.empty()) {
        throw ConfigError("goldenpath.report", "reports", "must name at least one report", "none");
    }
    const auto version_of = [](const NamedReport& named) {
        return named.report.is_object()
                   ? named.report.value("schema_version", nlohmann::json(nullptr))
                   : nlohmann::json(nullptr);
    };
    const auto first_version = version_of(reports.front());
    LoadSummary merged;
    for (const auto& named : reports) {
        const auto version = version_of(named);
        if (version != first_version) {
            throw ConfigError("goldenpath.report", named.name + ": /schema_version",
                              fmt::format("must equal the schema_version of {} ({}) to merge",
                                          reports.front().name, detail::quoted_json(first_version)),
                              detail::quoted_json(version));
        }
        try {
            merged.merge(LoadSummary::from_report_json(named.report));
        } catch (const ConfigError& error) {
            throw ConfigError(error.id(), named.name + ": " + error.field(), error.requirement(),
                              error.actual());
        }
    }
    return merged;
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
                           goldenpath::to_string(expression.metric), failed);
    }
    if (expression.metric == SlaExpression::Metric::success) {
        return fmt::format("sla {} {}: {:.1f}%{}", expression.text, held ? "held" : "violated",
                           *actual, held ? std::string() : failed);
    }
    return fmt::format("sla {} {}: {:.1f} ms{}", expression.text, held ? "held" : "violated",
                       *actual, held ? std::string() : failed);
}

}  // namespace goldenpath
