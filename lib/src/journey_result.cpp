// JourneyResult in its two forms: the text a person reads, and the JSON report (--json).

#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "goldenpath/golden_path_journey.hpp"
#include "printable.hpp"

namespace goldenpath {
namespace {

constexpr int kJourneySchemaVersion = 1;

std::string optional_ms(const std::optional<double>& value) {
    return value ? fmt::format("{:.1f} ms", *value) : std::string("-");
}

nlohmann::json optional_json(const std::optional<double>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

}  // namespace

std::string JourneyResult::to_string() const {
    std::string text =
        fmt::format("goldenpath journey on {} (thread {}, run {})\n", detail::printable(url),
                    detail::printable(thread_id), detail::printable(run_id));
    if (tls_verification_skipped) {
        text += "WARNING: TLS certificate verification was SKIPPED (insecure_skip_verify)\n";
    }
    text += format_timeline(verdict.timeline);
    if (!text.empty() && text.back() != '\n') {
        text += '\n';
    }
    text += fmt::format("timings: connect {} | ready {} | first event {} | completion {}\n",
                        optional_ms(timings.connect_ms), optional_ms(timings.ready_ms),
                        optional_ms(timings.first_event_ms), optional_ms(timings.completion_ms));
    if (failure) {
        text += fmt::format("verdict: FAIL {}\n", failure->to_string());
    } else {
        text += fmt::format("verdict: PASS {}\n", detail::printable(verdict.to_string()));
    }
    return text;
}

nlohmann::json JourneyResult::to_json() const {
    nlohmann::json timeline = nlohmann::json::array();
    for (const auto& entry : verdict.timeline) {
        if (entry.omitted > 0) {
            timeline.push_back({{"omitted", entry.omitted}});
            continue;
        }
        timeline.push_back({
            {"frame_index", entry.frame_index},
            {"event_index",
             entry.event_index ? nlohmann::json(*entry.event_index) : nlohmann::json(nullptr)},
            {"type", entry.type},
            {"summary", entry.summary},
            {"offset_ms", entry.offset_ms},
            {"gap_ms", entry.gap_ms},
        });
    }
    nlohmann::json json = {
        {"schema_version", kJourneySchemaVersion},
        {"url", url},
        {"thread_id", thread_id},
        {"run_id", run_id},
        {"passed", passed()},
        {"tls_verification_skipped", tls_verification_skipped},
        {"verdict", verdict.to_string()},
        {"timings_ms",
         {{"connect", optional_json(timings.connect_ms)},
          {"ready", optional_json(timings.ready_ms)},
          {"first_event", optional_json(timings.first_event_ms)},
          {"completion", optional_json(timings.completion_ms)}}},
        {"timeline", std::move(timeline)},
    };
    if (failure) {
        json["failure"] = {{"kind", std::string(goldenpath::to_string(failure->kind))},
                           {"label", failure->kind_label()},
                           {"message", failure->to_string()}};
    }
    return json;
}

}  // namespace goldenpath
