#include "goldenpath/html_report.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "html_text.hpp"
#include "svg_chart.hpp"

namespace goldenpath {
namespace {

using html::duration;
using html::escape;
using html::escape_json;
using html::member;
using html::number;

// No URL anywhere: the policy forbids every fetch, so even a bug cannot make the page load
// something.
constexpr std::string_view kHead = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
)";

constexpr std::string_view kStyle = R"(<style>
:root { --ink: #1f2328; --muted: #656d76; --line: #d0d7de; --panel: #f6f8fa; --pass: #1a7f37;
        --fail: #cf222e; --bar: #6e9fd1; --phase: #8c959f; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: var(--ink); background: #fff; }
main { max-width: 1160px; margin: 0 auto; padding: 0 20px 40px; }
header.verdict { padding: 18px 20px; margin: 0 -20px 8px; border-bottom: 4px solid; }
header.pass { background: #dafbe1; border-color: var(--pass); }
header.fail { background: #ffebe9; border-color: var(--fail); }
h1 { margin: 0; font-size: 22px; display: flex; align-items: center; gap: 12px; }
h2 { font-size: 17px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 0 0 6px; }
.badge { font-size: 15px; padding: 2px 10px; border-radius: 12px; color: #fff; letter-spacing: .05em; }
.pass .badge, .badge.pass { background: var(--pass); }
.fail .badge, .badge.fail { background: var(--fail); }
.subtitle { margin: 6px 0 0; color: var(--muted); }
.tiles { display: flex; flex-wrap: wrap; gap: 10px; margin: 14px 0 0; }
.tile { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 120px; }
.tile b { display: block; font-size: 20px; }
.tile span { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--panel); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.held { color: var(--pass); font-weight: 600; }
.violated { color: var(--fail); font-weight: 600; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 14px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.stats { color: var(--muted); font-size: 12px; margin: 0 0 4px; font-variant-numeric: tabular-nums; }
svg.chart { display: block; max-width: 100%; height: auto; font-size: 11px; }
svg .axis { stroke: #8c959f; } svg .grid { stroke: #eaeef2; }
svg .bar { fill: var(--bar); } svg .passed { fill: #7fb8e6; } svg .failed { fill: var(--fail); }
svg .tick { fill: var(--muted); } svg .empty { fill: var(--muted); font-size: 13px; }
svg .mark { stroke-width: 1.5; stroke-dasharray: 4 2; }
svg text.mark-label { font-weight: 600; stroke: #fff; stroke-width: 3px; paint-order: stroke; }
svg .p50 { stroke: #1a7f37; fill: #1a7f37; } svg .p95 { stroke: #bc4c00; fill: #bc4c00; }
svg .p99 { stroke: #cf222e; fill: #cf222e; } svg .max { stroke: #8250df; fill: #8250df; }
svg rect.phase { fill: var(--phase); } svg rect.event { fill: var(--bar); }
svg .dot.event, svg .dot.phase { fill: #0969da; } svg .dot.failure { fill: var(--fail); }
svg .row-label { fill: var(--ink); } svg .row-label.failure { fill: var(--fail); font-weight: 600; }
svg .row-label.gap { fill: var(--muted); font-style: italic; } svg .origin { stroke: #0969da; stroke-dasharray: 3 3; }
.legend span { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 12px; border-radius: 2px; }
details { border: 1px solid var(--line); border-radius: 6px; margin: 10px 0; padding: 0 12px; }
details[open] { padding-bottom: 10px; }
summary { cursor: pointer; padding: 8px 0; font-weight: 600; }
.message { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12px;
           white-space: pre-wrap; word-break: break-word; background: var(--panel); padding: 8px; border-radius: 4px; }
table.timeline td { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12px; word-break: break-word; }
.muted { color: var(--muted); }
.script-error { background: var(--fail); color: #fff; padding: 8px 12px; margin: 8px 0; font-weight: 600; }
footer { margin-top: 30px; color: var(--muted); font-size: 12px; }
</style>
)";

// Ours, and the only script of the page: it reports its own errors in the page (a browser test
// reads them from the DOM), opens the example a failure-kind link points at, and says it ran.
constexpr std::string_view kScript = R"(<script>
window.addEventListener('error', function (event) {
  var box = document.getElementById('gp-script-error');
  box.textContent = 'script error: ' + event.message;
  box.hidden = false;
});
(function () {
  'use strict';
  function openTarget() {
    var id = window.location.hash.slice(1);
    var target = id ? document.getElementById(id) : null;
    if (target && target.tagName === 'DETAILS') { target.open = true; }
  }
  window.addEventListener('hashchange', openTarget);
  openTarget();
  var status = document.getElementById('gp-script-status');
  status.textContent = 'rendered';
  status.setAttribute('data-rendered', 'yes');
})();
</script>
)";

constexpr std::size_t kTimelineRows = 48;
constexpr std::size_t kStringBytes = 400;
constexpr std::size_t kMessageBytes = 2000;
constexpr std::size_t kListed = 50;  // SLAs, merged report names, isolation violations

std::string count_text(const nlohmann::json& value) {
    const auto n = html::count(value);
    return n ? std::to_string(*n) : escape_json(value, 64);
}

std::string ms_text(const nlohmann::json& value) {
    return value.is_number() ? duration(value.get<double>()) : escape_json(value, 64);
}

bool report_passed(const nlohmann::json& report) {
    const auto& passed = member(report, "passed");
    if (passed.is_boolean()) {
        return passed.get<bool>();
    }
    // Reports written before "passed" existed: their own fields say it.
    const auto& summary = member(report, "summary");
    const auto& journeys = member(summary, "journeys");
    bool held = html::count(journeys).value_or(0) > 0 && member(summary, "passed") == journeys &&
                number(member(report, "isolation"), "count") == 0;
    const auto& slas = member(report, "slas");
    if (slas.is_array()) {
        for (const auto& sla : slas) {
            held = held && member(sla, "held") == true;
        }
    }
    return held;
}

std::string journey_name(const nlohmann::json& journey) {
    std::string name = fmt::format("user {} run {}", count_text(member(journey, "user")),
                                   count_text(member(journey, "run")));
    const auto& report = member(journey, "report");
    if (report.is_string()) {
        name += " of " + escape(report.get<std::string>(), kStringBytes);
    }
    return name;
}

std::string timeline_table(const nlohmann::json& journey) {
    const auto& timeline = member(journey, "timeline");
    if (!timeline.is_array() || timeline.empty()) {
        return R"(<p class="muted">No frame arrived.</p>)";
    }
    std::string out =
        R"(<table class="timeline"><tr><th class="num">frame</th><th class="num">offset</th><th class="num">gap</th><th>type</th><th>summary</th></tr>)";
    const std::size_t frames = timeline.size();
    const std::size_t tail = 8;
    for (std::size_t i = 0; i < frames; ++i) {
        if (frames > kTimelineRows && i == kTimelineRows - tail) {
            out += fmt::format(
                R"(<tr><td colspan="5" class="muted">... {} frames not shown</td></tr>)",
                frames - kTimelineRows);
            i = frames - tail;
        }
        const auto& entry = timeline[i];
        out += fmt::format(
            R"(<tr><td class="num">#{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td><td>{}</td></tr>)",
            count_text(member(entry, "frame_index")), ms_text(member(entry, "offset_ms")),
            ms_text(member(entry, "gap_ms")), escape_json(member(entry, "type"), 80),
            escape_json(member(entry, "summary"), kStringBytes));
    }
    return out + "</table>";
}

// The waterfall, the failure or verdict and the timeline of one journey.
std::string journey_detail(const nlohmann::json& journey) {
    std::string out =
        fmt::format(R"(<p class="muted">{}; url {}; thread {}; run {}</p>)", journey_name(journey),
                    escape_json(member(journey, "url"), kStringBytes),
                    escape_json(member(journey, "thread_id"), kStringBytes),
                    escape_json(member(journey, "run_id"), kStringBytes));
    const auto& failure = member(journey, "failure");
    if (failure.is_object()) {
        out += fmt::format(R"(<div class="message">{}</div>)",
                           escape_json(member(failure, "message"), kMessageBytes));
    } else {
        out += fmt::format(R"(<p>verdict: {}</p>)",
                           escape_json(member(journey, "verdict"), kMessageBytes));
    }
    if (member(journey, "tls_verification_skipped") == true) {
        out +=
            R"(<p class="violated">TLS certificate verification was SKIPPED for this journey.</p>)";
    }
    out += svg::waterfall(journey, kTimelineRows);
    out += timeline_table(journey);
    return out;
}

std::string header(const nlohmann::json& report, const HtmlReportOptions& options, bool passed) {
    const auto& summary = member(report, "summary");
    const auto& journeys = member(summary, "journeys");
    const auto& passed_count = member(summary, "passed");
    std::string failed = "&#8212;";
    const auto all = html::count(journeys), good = html::count(passed_count);
    if (all && good && *good <= *all) {
        failed = std::to_string(*all - *good);
    }
    const auto& success = member(summary, "success_percent");
    std::string out = fmt::format(
        R"(<header class="verdict {0}"><h1>{1} <span class="badge" id="verdict">{2}</span></h1>)",
        passed ? "pass" : "fail", escape(options.title, kStringBytes), passed ? "PASS" : "FAIL");
    const auto& merged = member(report, "merged_from");
    std::string subtitle = journeys == 1
                               ? "one journey"
                               : fmt::format("a load run of {} journeys", count_text(journeys));
    if (merged.is_array()) {
        subtitle = fmt::format("{} reports merged:", merged.size());
        for (std::size_t i = 0; i < merged.size() && i < kListed; ++i) {
            subtitle += (i == 0 ? " " : ", ") + escape_json(merged[i], kStringBytes);
        }
        if (merged.size() > kListed) {
            subtitle += fmt::format(", ... ({} more)", merged.size() - kListed);
        }
    }
    out += fmt::format(R"(<p class="subtitle">{}</p><div class="tiles">)", subtitle);
    const auto tile = [&](std::string_view id, const std::string& value, std::string_view label) {
        out += fmt::format(R"(<div class="tile" id="{}"><b>{}</b><span>{}</span></div>)", id, value,
                           label);
    };
    tile("tile-journeys", count_text(journeys), "journeys");
    tile("tile-passed", count_text(passed_count), "passed");
    tile("tile-failed", failed, "failed");
    tile("tile-success",
         success.is_number() ? fmt::format("{:.1f}%", success.get<double>()) : escape_json(success),
         "success");
    if (number(report, "wall_ms", -1) >= 0) {
        tile("tile-wall", duration(number(report, "wall_ms")),
             merged.is_array() ? "longest wall time" : "wall time");
    }
    return out + "</div></header>\n";
}

std::string sla_section(const nlohmann::json& report) {
    const auto& slas = member(report, "slas");
    std::string out = R"(<section id="slas"><h2>SLAs</h2>)";
    if (!slas.is_array() || slas.empty()) {
        return out + R"(<p class="muted">No SLA was given (--sla).</p></section>)";
    }
    out +=
        R"(<table><tr><th>SLA</th><th class="num">actual</th><th>result</th><th>detail</th></tr>)";
    for (std::size_t i = 0; i < slas.size() && i < kListed; ++i) {
        const auto& sla = slas[i];
        const bool held = member(sla, "held") == true;
        const auto& expression = member(sla, "expression");
        const auto& actual = member(sla, "actual");
        const bool percent = expression.is_string() &&
                             expression.get_ref<const std::string&>().starts_with("success");
        out += fmt::format(
            R"(<tr class="sla"><td>{}</td><td class="num">{}</td><td class="{}">{}</td><td class="muted">{}</td></tr>)",
            escape_json(expression, kStringBytes),
            actual.is_number() ? (percent ? fmt::format("{:.1f}%", actual.get<double>())
                                          : duration(actual.get<double>()))
                               : escape_json(actual, 64),
            held ? "held" : "violated", held ? "held" : "violated",
            escape_json(member(sla, "message"), kStringBytes));
    }
    return out + "</table></section>\n";
}

std::string latency_section(const nlohmann::json& summary) {
    constexpr std::array<std::pair<const char*, const char*>, 4> kPhases{{
        {"connect_ms", "connect: TCP, TLS and upgrade"},
        {"ready_ms", "ready: connection_established after the upgrade"},
        {"first_event_ms", "first_event: first run event after the start message"},
        {"completion_ms", "completion: agent_completed after the start message"},
    }};
    std::string out = R"(<section id="latency"><h2>Latency per phase</h2><div class="grid2">)";
    for (const auto& [key, title] : kPhases) {
        const auto& phase = member(summary, key);
        std::string stats = "not in this report";
        if (phase.is_object()) {
            stats =
                fmt::format("{} journeys &#183; p50 {} &#183; p95 {} &#183; p99 {} &#183; max {}",
                            count_text(member(phase, "count")), ms_text(member(phase, "p50")),
                            ms_text(member(phase, "p95")), ms_text(member(phase, "p99")),
                            ms_text(member(phase, "max")));
        } else if (summary.is_object() && summary.contains(key)) {
            stats = "no journey reached this phase";
        }
        out += fmt::format(
            R"(<div class="card" id="phase-{}"><h3>{}</h3><p class="stats">{}</p>{}</div>)",
            std::string_view(key).substr(0, std::string_view(key).size() - 3), title, stats,
            svg::histogram(phase));
    }
    return out + "</div></section>\n";
}

std::string throughput_section(const nlohmann::json& report) {
    const auto& series = member(report, "throughput");
    if (!series.is_object()) {
        return {};
    }
    return R"(<section id="throughput"><h2>Journeys per second</h2><p class="legend muted">)"
           R"(<span style="background:#7fb8e6"></span>passed<span style="background:#cf222e"></span>failed</p>)" +
           svg::throughput(series) + "</section>\n";
}

struct Examples {
    std::map<std::string, std::size_t> first_of_kind;     // failure label -> journey index
    std::vector<std::pair<double, std::size_t>> slowest;  // completion ms, journey index
};

Examples examples_of(const nlohmann::json& journeys, std::size_t slowest) {
    Examples examples;
    if (!journeys.is_array()) {
        return examples;
    }
    for (std::size_t i = 0; i < journeys.size(); ++i) {
        const auto& journey = journeys[i];
        const auto& label = member(member(journey, "failure"), "label");
        if (label.is_string()) {
            examples.first_of_kind.try_emplace(label.get<std::string>(), i);
            continue;
        }
        const auto& completion = member(member(journey, "timings_ms"), "completion");
        if (member(journey, "passed") != true || !completion.is_number() || slowest == 0) {
            continue;
        }
        const double ms = completion.get<double>();
        if (examples.slowest.size() < slowest || ms > examples.slowest.back().first) {
            if (examples.slowest.size() == slowest) {
                examples.slowest.pop_back();
            }
            const auto at = std::find_if(examples.slowest.begin(), examples.slowest.end(),
                                         [&](const auto& kept) { return kept.first < ms; });
            examples.slowest.insert(at, {ms, i});
        }
    }
    return examples;
}

// Failure kinds of the summary, most frequent first.
std::vector<std::pair<std::string, std::size_t>> kinds_by_count(const nlohmann::json& report) {
    const auto& kinds = member(member(report, "summary"), "failures_by_kind");
    std::vector<std::pair<std::string, std::size_t>> sorted;
    if (kinds.is_object()) {
        for (const auto& [kind, count] : kinds.items()) {
            sorted.emplace_back(kind, html::count(count).value_or(0));
        }
    }
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    return sorted;
}

std::string failures_section(const nlohmann::json& report, const Examples& examples,
                             const HtmlReportOptions& options, bool single) {
    const auto& kinds = member(member(report, "summary"), "failures_by_kind");
    std::string out = R"(<section id="failures"><h2>Failures by kind</h2>)";
    if (!kinds.is_object() || kinds.empty()) {
        return out + R"(<p class="muted">No journey failed.</p></section>)" + "\n";
    }
    const auto sorted = kinds_by_count(report);
    const auto& journeys_total = member(member(report, "summary"), "journeys");
    const double total = journeys_total.is_number() ? journeys_total.get<double>() : 0;
    out +=
        R"(<table><tr><th>kind</th><th class="num">journeys</th><th class="num">share</th><th>first example</th></tr>)";
    std::size_t unlisted = 0;
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        const auto& [kind, count] = sorted[i];
        if (i >= options.listed_kinds) {
            unlisted += count;
            continue;
        }
        const bool has_example =
            !single && i < options.example_kinds && examples.first_of_kind.count(kind) != 0;
        out += fmt::format(
            R"(<tr class="kind"><td>{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>)",
            escape(kind, kStringBytes), count,
            total > 0 ? fmt::format("{:.1f}%", 100.0 * static_cast<double>(count) / total) : "",
            has_example ? fmt::format(R"(<a href="#kind-{}">below</a>)", i)
                        : std::string(single ? "the journey below" : ""));
    }
    if (sorted.size() > options.listed_kinds) {
        out += fmt::format(
            R"(<tr><td colspan="4" class="muted">... {} more kinds, {} journeys</td></tr>)",
            sorted.size() - options.listed_kinds, unlisted);
    }
    return out + "</table></section>\n";
}

// The first example of each kind, below the overview: its message, waterfall and timeline.
std::string failure_examples_section(const nlohmann::json& report, const Examples& examples,
                                     const HtmlReportOptions& options) {
    const auto sorted = kinds_by_count(report);
    if (sorted.empty() || examples.first_of_kind.empty()) {
        return {};
    }
    std::string out = R"(<section id="failure-examples"><h2>First failure of each kind</h2>)";
    const auto& journeys = member(report, "journeys");
    for (std::size_t i = 0;
         i < sorted.size() && i < options.listed_kinds && i < options.example_kinds; ++i) {
        const auto found = examples.first_of_kind.find(sorted[i].first);
        if (found == examples.first_of_kind.end()) {
            continue;
        }
        out += fmt::format(
            R"(<details class="example" id="kind-{}"{}><summary>{}: first of {} &#8212; {}</summary>)",
            i, i < 3 ? " open" : "", escape(sorted[i].first, kStringBytes), sorted[i].second,
            journey_name(journeys[found->second]));
        out += journey_detail(journeys[found->second]) + "</details>";
    }
    return out + "</section>\n";
}

std::string isolation_section(const nlohmann::json& report) {
    const auto& isolation = member(report, "isolation");
    if (number(isolation, "count") <= 0) {
        return {};
    }
    std::string out = fmt::format(
        R"(<section id="isolation"><h2>Isolation</h2><p class="violated">{} journeys received another run's events.</p><table><tr><th>user</th><th>run</th><th>message</th></tr>)",
        count_text(member(isolation, "count")));
    const auto& first = member(isolation, "first");
    for (std::size_t i = 0; first.is_array() && i < first.size() && i < kListed; ++i) {
        out +=
            fmt::format(R"(<tr><td>{}</td><td>{}</td><td>{}</td></tr>)",
                        count_text(member(first[i], "user")), count_text(member(first[i], "run")),
                        escape_json(member(first[i], "message"), kMessageBytes));
    }
    return out + "</table></section>\n";
}

std::string journeys_section(const nlohmann::json& report, const Examples& examples, bool single) {
    const auto& journeys = member(report, "journeys");
    if (single) {
        return R"(<section id="journey"><h2>The journey</h2>)" + journey_detail(journeys[0]) +
               "</section>\n";
    }
    if (examples.slowest.empty()) {
        return {};
    }
    std::string out = R"(<section id="slowest"><h2>Slowest journeys</h2>)";
    for (std::size_t i = 0; i < examples.slowest.size(); ++i) {
        const auto& [ms, index] = examples.slowest[i];
        out +=
            fmt::format(R"(<details class="example"{}><summary>completion {} &#8212; {}</summary>)",
                        i == 0 ? " open" : "", duration(ms), journey_name(journeys[index]));
        out += journey_detail(journeys[index]) + "</details>";
    }
    return out + "</section>\n";
}

}  // namespace

std::string html_report(const nlohmann::json& report, const HtmlReportOptions& options) {
    const bool passed = report_passed(report);
    const auto& journeys = member(report, "journeys");
    const bool single =
        journeys.is_array() && journeys.size() == 1 && !member(report, "merged_from").is_array();
    const Examples examples = examples_of(journeys, options.slowest_journeys);
    std::string page(kHead);
    page += fmt::format("<title>{}: {}</title>\n", escape(options.title, kStringBytes),
                        passed ? "PASS" : "FAIL");
    page += kStyle;
    page += "</head>\n<body>\n<main>\n";
    page += header(report, options, passed);
    page += R"(<div id="gp-script-error" class="script-error" hidden></div>)";
    page += "\n";
    page += sla_section(report);
    page += failures_section(report, examples, options, single);
    page += isolation_section(report);
    page += latency_section(member(report, "summary"));
    if (!single) {
        page += throughput_section(report);
        page += failure_examples_section(report, examples, options);
    }
    page += journeys_section(report, examples, single);
    page += fmt::format(
        R"(<footer>goldenpath load report, schema_version {}. Self-contained: no network needed. <span id="gp-script-status">script did not run</span></footer>)",
        escape_json(member(report, "schema_version"), 32));
    page += "\n</main>\n";
    page += kScript;
    page += "</body>\n</html>\n";
    return page;
}

}  // namespace goldenpath
