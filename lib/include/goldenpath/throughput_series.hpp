#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace goldenpath {

// Journeys finished, and of those failed, per time bucket since the start of a load run: the
// "journeys per second" of a report. Buckets start 1 s wide; when a run outgrows kMaxBuckets the
// width doubles (neighbouring buckets add up), so the series stays bounded however long the run,
// and series of different widths merge exactly (every width is 1 s times a power of two).
// Not thread-safe, like a standard container: only const members may run concurrently.
class ThroughputSeries {
  public:
    static constexpr std::size_t kMaxBuckets = 512;
    static constexpr std::int64_t kFirstBucketMs = 1000;

    // A journey that finished `finished_ms` after the start of the run (clamped to 0 .. 100 days).
    void record(double finished_ms, bool failed);
    // Adds `other`'s journeys bucket by bucket, both aligned at the start of their runs.
    void merge(const ThroughputSeries& other);

    bool empty() const noexcept { return finished_.empty(); }
    std::int64_t bucket_ms() const noexcept { return bucket_ms_; }
    const std::vector<std::size_t>& finished() const noexcept { return finished_; }
    const std::vector<std::size_t>& failed() const noexcept { return failed_; }

    // {"bucket_ms":1000,"finished":[12,40,...],"failed":[0,3,...]}
    nlohmann::json to_json() const;
    // Throws ConfigError (id "goldenpath.report") naming `pointer` and quoting the offending value.
    static ThroughputSeries from_json(const nlohmann::json& json, const std::string& pointer);

    friend bool operator==(const ThroughputSeries&, const ThroughputSeries&) = default;

  private:
    void widen();

    std::int64_t bucket_ms_ = kFirstBucketMs;
    std::vector<std::size_t> finished_;
    std::vector<std::size_t> failed_;
};

}  // namespace goldenpath
