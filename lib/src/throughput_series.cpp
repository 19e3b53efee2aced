#include "goldenpath/throughput_series.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "goldenpath/config_error.hpp"
#include "json_reader.hpp"

namespace goldenpath {
namespace {

constexpr double kLatestMs = 100.0 * 86'400'000.0;  // 100 days: far beyond any run's duration

ConfigError series_error(const std::string& pointer, std::string requirement,
                         const nlohmann::json& actual) {
    return ConfigError("goldenpath.report", pointer, std::move(requirement),
                       detail::quoted_json(actual));
}

bool is_first_width_times_power_of_two(std::int64_t width) {
    if (width < ThroughputSeries::kFirstBucketMs || width % ThroughputSeries::kFirstBucketMs != 0) {
        return false;
    }
    const auto factor = width / ThroughputSeries::kFirstBucketMs;
    return (factor & (factor - 1)) == 0;
}

std::vector<std::size_t> counts_from_json(const nlohmann::json& json, const char* key,
                                          const std::string& pointer) {
    const std::string field = pointer + "/" + key;
    const auto& array = json.contains(key) ? json[key] : nlohmann::json(nullptr);
    if (!array.is_array() || array.size() > ThroughputSeries::kMaxBuckets) {
        throw series_error(
            field,
            fmt::format("must be an array of at most {} counts", ThroughputSeries::kMaxBuckets),
            array);
    }
    std::vector<std::size_t> counts;
    for (std::size_t i = 0; i < array.size(); ++i) {
        const auto& value = array[i];
        if (!value.is_number_unsigned() &&
            !(value.is_number_integer() && value.get<long long>() >= 0)) {
            throw series_error(fmt::format("{}/{}", field, i), "must be a non-negative integer",
                               value);
        }
        counts.push_back(value.get<std::size_t>());
    }
    return counts;
}

}  // namespace

void ThroughputSeries::record(double finished_ms, bool failed) {
    const double at = std::isfinite(finished_ms) ? std::clamp(finished_ms, 0.0, kLatestMs) : 0.0;
    auto index = static_cast<std::size_t>(at / static_cast<double>(bucket_ms_));
    while (index >= kMaxBuckets) {
        widen();
        index = static_cast<std::size_t>(at / static_cast<double>(bucket_ms_));
    }
    if (index >= finished_.size()) {
        finished_.resize(index + 1, 0);
        failed_.resize(index + 1, 0);
    }
    ++finished_[index];
    if (failed) {
        ++failed_[index];
    }
}

void ThroughputSeries::widen() {
    std::vector<std::size_t> finished((finished_.size() + 1) / 2, 0);
    std::vector<std::size_t> failed(finished.size(), 0);
    for (std::size_t i = 0; i < finished_.size(); ++i) {
        finished[i / 2] += finished_[i];
        failed[i / 2] += failed_[i];
    }
    finished_ = std::move(finished);
    failed_ = std::move(failed);
    bucket_ms_ *= 2;
}

void ThroughputSeries::merge(const ThroughputSeries& other) {
    ThroughputSeries addend = other;
    while (bucket_ms_ < addend.bucket_ms_) {
        widen();
    }
    while (addend.bucket_ms_ < bucket_ms_) {
        addend.widen();
    }
    if (addend.finished_.size() > finished_.size()) {
        finished_.resize(addend.finished_.size(), 0);
        failed_.resize(addend.finished_.size(), 0);
    }
    for (std::size_t i = 0; i < addend.finished_.size(); ++i) {
        finished_[i] += addend.finished_[i];
        failed_[i] += addend.failed_[i];
    }
    while (finished_.size() > kMaxBuckets) {
        widen();
    }
}

nlohmann::json ThroughputSeries::to_json() const {
    return {{"bucket_ms", bucket_ms_}, {"finished", finished_}, {"failed", failed_}};
}

ThroughputSeries ThroughputSeries::from_json(const nlohmann::json& json,
                                             const std::string& pointer) {
    if (!json.is_object()) {
        throw series_error(pointer, "must be an object with bucket_ms, finished and failed", json);
    }
    const auto& width = json.contains("bucket_ms") ? json["bucket_ms"] : nlohmann::json(nullptr);
    if (!width.is_number_integer() ||
        !is_first_width_times_power_of_two(width.get<std::int64_t>())) {
        throw series_error(pointer + "/bucket_ms", "must be 1000 ms times a power of two", width);
    }
    ThroughputSeries series;
    series.bucket_ms_ = width.get<std::int64_t>();
    series.finished_ = counts_from_json(json, "finished", pointer);
    series.failed_ = counts_from_json(json, "failed", pointer);
    if (series.failed_.size() != series.finished_.size()) {
        throw series_error(
            pointer + "/failed",
            fmt::format("must have as many buckets as finished ({})", series.finished_.size()),
            json["failed"]);
    }
    for (std::size_t i = 0; i < series.failed_.size(); ++i) {
        if (series.failed_[i] > series.finished_[i]) {
            throw series_error(fmt::format("{}/failed/{}", pointer, i),
                               fmt::format("must be at most finished ({})", series.finished_[i]),
                               json["failed"][i]);
        }
    }
    return series;
}

}  // namespace goldenpath
