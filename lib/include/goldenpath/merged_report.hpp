#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "goldenpath/load_summary.hpp"

namespace goldenpath {

// The report of `goldenpath-probe merge` in the form of LoadReport::to_json, so one renderer
// (html_report) serves runs and merges: schema_version, merged_from (the report names), passed
// (every journey passed and every SLA held), summary (the merged one, as given), slas, isolation
// (counts added, the first violations kept), wall_ms (the longest), throughput (merged aligned at
// the start of each run, only when every report has one) and journeys (each report's, moved out
// of `reports` and tagged with "report": its name). ConfigError naming the report and the JSON
// pointer when a report's throughput is malformed.
nlohmann::json merged_report_json(std::vector<NamedReport> reports, const LoadSummary& summary,
                                  const std::vector<SlaResult>& slas);

}  // namespace goldenpath
