#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace goldenpath {

struct HtmlReportOptions {
    std::string title = "goldenpath report";
    // Journeys drawn as waterfalls besides the first example of each failure kind: the slowest
    // passed journeys of a load run.
    std::size_t slowest_journeys = 3;
    // Failure kinds listed (by count) and, of those, kinds shown with their first example.
    std::size_t listed_kinds = 30;
    std::size_t example_kinds = 12;
};

// One self-contained HTML page (inline CSS, SVG and script; no URL of any kind, and a
// Content-Security-Policy that forbids loading anything) from a load report JSON:
// LoadReport::to_json() or merged_report_json(). It draws what the report holds and computes no
// statistic of its own: the verdict and SLAs, per-phase histograms with their percentiles,
// failures by kind with the first example of each, waterfalls of example journeys, and journeys
// per second. Its size is bounded whatever the number of journeys (examples are chosen, long
// timelines and strings clipped). Every string of the report is HTML-escaped (invalid UTF-8 and
// control characters made visible); fields missing from the report are shown as missing.
std::string html_report(const nlohmann::json& report, const HtmlReportOptions& options = {});

}  // namespace goldenpath
