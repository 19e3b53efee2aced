#include "goldenpath/html_report.hpp"

#include <algorithm>
#include <regex>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/config_error.hpp"
#include "goldenpath/in_memory_client.hpp"
#include "goldenpath/load_run.hpp"
#include "goldenpath/merged_report.hpp"

namespace goldenpath {
namespace {

using testing::HasSubstr;
using testing::Not;

std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t count = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
        ++count;
    }
    return count;
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

bool valid_utf8(const std::string& text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        const std::size_t length = c < 0x80           ? 1
                                   : (c >> 5) == 0x6  ? 2
                                   : (c >> 4) == 0xE  ? 3
                                   : (c >> 3) == 0x1E ? 4
                                                      : 0;
        if (length == 0 || i + length > text.size()) {
            return false;
        }
        for (std::size_t k = 1; k < length; ++k) {
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
                return false;
            }
        }
        i += length;
    }
    return true;
}

// A real load run on in-memory connections: user % 4 == 1 closes with 1011 after two events,
// 2 sends a malformed frame, 3 swaps two events; the rest pass.
LoadReport run_with_three_failure_kinds(std::size_t users, std::vector<SlaExpression> sla = {}) {
    LoadRunOptions options;
    options.config.url = Url::parse("ws://127.0.0.1:8080/ws");
    options.config.tokens = {Secret("tok-html-a")};
    options.users = users;
    options.sla = std::move(sla);
    options.client_factory = [](std::size_t user) {
        AgentServerDoubleOptions server;
        server.tokens = {"tok-html-a"};
        Script script = Script::golden_path();
        if (user % 4 == 1) {
            script.insert_before_event(
                2, ScriptStep{ScriptStep::Kind::close, {}, "tool crashed", 1011, {}});
        } else if (user % 4 == 2) {
            script.insert_before_event(
                1, ScriptStep{ScriptStep::Kind::send_raw, {}, "{not json", 1000, {}});
        } else if (user % 4 == 3) {
            script.swap_events(2, 3);
        }
        server.script = std::move(script);
        return std::make_unique<InMemoryClient>(std::move(server));
    };
    return LoadRun(std::move(options)).run();
}

nlohmann::json synthetic_journey(std::size_t user, bool passed, const std::string& label,
                                 double completion_ms) {
    nlohmann::json journey = {
        {"schema_version", 1},
        {"url", "ws://127.0.0.1:1/ws"},
        {"thread_id", "thread-" + std::to_string(user)},
        {"run_id", "run-" + std::to_string(user)},
        {"passed", passed},
        {"verdict", passed ? "follows the golden path (5 events)" : label},
        {"timings_ms",
         {{"connect", 1.5}, {"ready", 0.2}, {"first_event", 2.0}, {"completion", completion_ms}}},
        {"timeline",
         {{{"frame_index", 0},
           {"event_index", 0},
           {"type", "agent_started"},
           {"summary", "{}"},
           {"offset_ms", 2.0},
           {"gap_ms", 2.0}}}},
        {"user", user},
        {"run", 0}};
    if (!passed) {
        journey["failure"] = {{"kind", label}, {"label", label}, {"message", label + ": detail"}};
    }
    return journey;
}

// A report of `journeys` synthetic journeys, every 100th failed (five kinds), with the summary
// and the series made by the library from the same samples.
nlohmann::json synthetic_report(std::size_t journeys) {
    std::vector<JourneySample> samples;
    samples.reserve(journeys);
    ThroughputSeries series;
    auto all = nlohmann::json::array();
    all.get_ref<nlohmann::json::array_t&>().reserve(journeys);
    for (std::size_t i = 0; i < journeys; ++i) {
        const bool passed = i % 100 != 7;
        const std::string label =
            passed ? "" : "closed(" + std::to_string(1011 + i / 100 % 5) + ")";
        const double completion = 5.0 + static_cast<double>(i % 977) / 10.0;
        samples.push_back(JourneySample{passed, 1.5, 2.0,
                                        passed ? std::optional<double>(completion) : std::nullopt,
                                        label, 0.2});
        series.record(static_cast<double>(i) * 3.0, !passed);
        // Most journeys carry only what a renderer may look at, so building 100 000 stays fast
        // (set member by member: an initializer list copies every value once more).
        if (passed && i % 1000 != 0) {
            nlohmann::json journey(nlohmann::json::value_t::object);
            journey["passed"] = true;
            journey["timings_ms"]["completion"] = completion;
            all.push_back(std::move(journey));
        } else {
            all.push_back(synthetic_journey(i, passed, label, completion));
        }
    }
    return {{"schema_version", kLoadReportSchemaVersion},
            {"passed", false},
            {"summary", LoadSummary::of(samples).to_json()},
            {"isolation", {{"count", 0}, {"first", nlohmann::json::array()}}},
            {"slas", nlohmann::json::array()},
            {"wall_ms", static_cast<double>(journeys) * 3.0},
            {"throughput", series.to_json()},
            {"journeys", std::move(all)}};
}

// The page is long: a failure names what is missing, not the whole page.
#define EXPECT_PAGE_HAS(page, text) \
    EXPECT_NE((page).find(text), std::string::npos) << "the page lacks: " << (text)
#define EXPECT_PAGE_LACKS(page, text)               \
    EXPECT_EQ((page).find(text), std::string::npos) \
        << "the page has: " << (text) << " at " << (page).find(text)

void expect_no_network(const std::string& page) {
    const std::string text = lower(page);
    EXPECT_PAGE_LACKS(text, (("http://")));
    EXPECT_PAGE_LACKS(text, (("https://")));
    EXPECT_FALSE(std::regex_search(text, std::regex(R"(<[a-z][^>]*\ssrc\s*=)")))
        << "an element loads something";
    EXPECT_PAGE_LACKS(text, (("url(")));
    EXPECT_PAGE_LACKS(text, (("@import")));
    EXPECT_PAGE_LACKS(text, (("<link")));
    for (auto at = text.find("href=\""); at != std::string::npos;
         at = text.find("href=\"", at + 1)) {
        EXPECT_EQ(text[at + 6], '#') << "a link leaves the page: " << text.substr(at, 60);
    }
    EXPECT_EQ(occurrences(text, "<script"), 1u);
    EXPECT_PAGE_HAS(text, ("default-src 'none'"));
}

TEST(HtmlReportTest, PassingJourneyShowsVerdictSlasPhasesAndItsWaterfall) {
    auto options = LoadRunOptions{};
    options.config.url = Url::parse("ws://127.0.0.1:8080/ws");
    options.config.tokens = {Secret("tok-html-a")};
    options.sla = {"p95.completion<60000ms", "success>=100%"};
    options.client_factory = [](std::size_t) {
        AgentServerDoubleOptions server;
        server.tokens = {"tok-html-a"};
        return std::make_unique<InMemoryClient>(std::move(server));
    };
    const auto report = LoadRun(std::move(options)).run();
    ASSERT_TRUE(report.passed());

    const std::string page = html_report(report.to_json());

    EXPECT_PAGE_HAS(page, (R"(<span class="badge" id="verdict">PASS</span>)"));
    EXPECT_PAGE_HAS(page, (R"(<section id="slas">)"));
    EXPECT_EQ(occurrences(page, R"(<td class="held">held</td>)"), 2u);
    EXPECT_PAGE_HAS(page, ("p95.completion&lt;60000ms"));
    for (const char* phase : {"connect", "ready", "first_event", "completion"}) {
        EXPECT_PAGE_HAS(page, (std::string("id=\"phase-") + phase + "\"")) << phase;
    }
    EXPECT_EQ(occurrences(page, R"(<rect class="bar")"), 4u) << "one bar per phase";
    EXPECT_EQ(occurrences(page, R"(class="mark-label p99")"), 4u);
    EXPECT_PAGE_HAS(page, (R"(<section id="journey">)"));
    EXPECT_PAGE_HAS(page, ("agent_completed"));
    EXPECT_PAGE_HAS(page, ("start message sent"));
    EXPECT_PAGE_LACKS(page, ((R"(<section id="throughput">)"))) << "one journey: no rate";
    EXPECT_PAGE_LACKS(page, (("tok-html-a")));
    expect_no_network(page);
}

TEST(HtmlReportTest, LoadRunShowsFailuresByKindWithFirstExamplesAndJourneysPerSecond) {
    const auto report = run_with_three_failure_kinds(12, {"success>=90%"});
    const std::string page = html_report(report.to_json());

    EXPECT_PAGE_HAS(page, (R"(<span class="badge" id="verdict">FAIL</span>)"));
    EXPECT_PAGE_HAS(page, (R"(<td class="violated">violated</td>)"));
    EXPECT_PAGE_HAS(page, (R"(<div class="tile" id="tile-failed"><b>9</b>)"));
    for (const char* kind : {"closed(1011)", "malformed_frame", "protocol_violation("}) {
        EXPECT_PAGE_HAS(page, (std::string("<tr class=\"kind\"><td>") + kind)) << kind;
    }
    EXPECT_EQ(occurrences(page, R"(<details class="example" id="kind-)"), 3u);
    EXPECT_PAGE_HAS(page, ("tool crashed")) << "the close reason of the first example";
    EXPECT_PAGE_HAS(page, ("failure: closed(1011)")) << "the failure row of its waterfall";
    EXPECT_PAGE_HAS(page, (R"(<section id="throughput">)"));
    EXPECT_PAGE_HAS(page, (R"(<rect class="failed")"));
    EXPECT_PAGE_HAS(page, (R"(<section id="slowest">)"));
    EXPECT_EQ(occurrences(page, "<summary>completion "), 3u) << "the three slowest passed";
    expect_no_network(page);
}

TEST(HtmlReportTest, HostileServerStringsAreEscapedAndOnlyOurScriptRuns) {
    auto report = synthetic_report(2);
    const std::string hostile =
        "</script><script>alert(1)</script></textarea>\"'<img src=x onerror=alert(2)>&amp;"
        "\x01\x1b[31m\xff\xfe\xc0\xaf\xed\xa0\x80 \xc2\x85"
        "end";
    auto& journey = report["journeys"][0];
    journey["passed"] = false;
    journey["url"] = hostile;
    journey["thread_id"] = hostile;
    journey["failure"] = {{"kind", hostile}, {"label", hostile}, {"message", hostile}};
    journey["timeline"][0]["type"] = hostile;
    journey["timeline"][0]["summary"] = hostile;
    journey["timeline"][0]["offset_ms"] = 1e300;
    report["summary"]["failures_by_kind"] = {{hostile, 1}};
    report["slas"] = {
        {{"expression", hostile}, {"held", false}, {"actual", hostile}, {"message", hostile}}};
    report["merged_from"] = {hostile};

    const std::string page = html_report(report, {.title = hostile});

    expect_no_network(page);
    EXPECT_PAGE_LACKS(lower(page), (("<img")));
    EXPECT_PAGE_LACKS(page, (("</textarea>")));
    EXPECT_PAGE_LACKS(page, (("\"'<")));
    EXPECT_PAGE_HAS(page, ("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    EXPECT_PAGE_HAS(page, ("&quot;&#39;&lt;img src=x onerror=alert(2)&gt;&amp;amp;"));
    EXPECT_PAGE_HAS(page, ("\\x01\\x1b[31m\xEF\xBF\xBD\xEF\xBF\xBD"));
    EXPECT_PAGE_HAS(page, ("\\u0085end"));
    EXPECT_TRUE(valid_utf8(page)) << "invalid UTF-8 from the server is replaced";
    for (char c = 1; c < 0x20; ++c) {
        if (c != '\n' && c != '\t') {
            EXPECT_EQ(page.find(c), std::string::npos) << "control character " << int(c);
        }
    }
}

TEST(HtmlReportTest, HundredThousandJourneysGiveABoundedPage) {
    const auto report = synthetic_report(100'000);
    const std::string page = html_report(report);

    EXPECT_LT(page.size(), 400'000u) << "aggregates and a bounded set of examples only";
    EXPECT_PAGE_HAS(page, (R"(<div class="tile" id="tile-journeys"><b>100000</b>)"));
    EXPECT_PAGE_HAS(page, (R"(<div class="tile" id="tile-failed"><b>1000</b>)"));
    EXPECT_EQ(occurrences(page, R"(<details class="example" id="kind-)"), 5u);
    EXPECT_LE(occurrences(page, R"(<rect class="passed")"), ThroughputSeries::kMaxBuckets);
    expect_no_network(page);
}

TEST(HtmlReportTest, LongTimelinesAndManyKindsAreClipped) {
    auto report = synthetic_report(3);
    auto& timeline = report["journeys"][0]["timeline"];
    for (int i = 1; i < 20'000; ++i) {
        timeline.push_back({{"frame_index", i},
                            {"type", "agent_thinking"},
                            {"summary", std::string(1000, 'x')},
                            {"offset_ms", i},
                            {"gap_ms", 1}});
    }
    report["journeys"][0]["completion"] = 1e6;
    auto kinds = nlohmann::json::object();
    for (int i = 0; i < 5000; ++i) {
        kinds["closed(" + std::to_string(i) + ")"] = 1;
    }
    report["summary"]["failures_by_kind"] = kinds;

    const std::string page = html_report(report);

    EXPECT_LT(page.size(), 400'000u);
    EXPECT_PAGE_HAS(page, ("frames not shown"));
    EXPECT_PAGE_HAS(page, ("4970 more kinds, 4970 journeys"));
}

TEST(HtmlReportTest, JourneyThatNeverConnectedSaysSoInsteadOfAnEmptyWaterfall) {
    auto report = synthetic_report(1);
    auto& journey = report["journeys"][0];
    journey["passed"] = false;
    journey["timings_ms"] = {{"connect", nullptr}, {"ready", nullptr}};
    journey["timeline"] = nlohmann::json::array();
    journey["failure"] = {{"kind", "refused"}, {"label", "refused"}, {"message", "refused: ..."}};

    const std::string page = html_report(report);

    EXPECT_PAGE_HAS(page, ("no timing: the journey failed before connecting"));
    EXPECT_PAGE_HAS(page, ("No frame arrived."));
    EXPECT_PAGE_LACKS(page, ("start message sent"));
}

TEST(HtmlReportTest, ReportsMissingFieldsStillRender) {
    for (const auto& report :
         {nlohmann::json::object(), nlohmann::json(nullptr),
          nlohmann::json{{"schema_version", 1}, {"samples", nlohmann::json::array()}},
          nlohmann::json{{"summary", {{"journeys", "many"}, {"connect_ms", {{"histogram", 7}}}}},
                         {"journeys", {1, "two", nullptr}},
                         {"throughput", {{"finished", {1, -2, "x"}}}}}}) {
        const std::string page = html_report(report);
        EXPECT_PAGE_HAS(page, (R"(<span class="badge" id="verdict">FAIL</span>)")) << report;
        EXPECT_PAGE_HAS(page, ("</html>"));
    }
}

TEST(HtmlReportTest, MergedReportNamesItsPartsAndAddsTheirSeries) {
    const auto first = run_with_three_failure_kinds(8);
    const auto second = run_with_three_failure_kinds(4);
    std::vector<NamedReport> reports{{"shard-a.json", first.to_json()},
                                     {"shard-b.json", second.to_json()}};
    const auto summary = merge_reports(reports);
    const auto slas = evaluate_slas({SlaExpression::parse("success>=20%", "--sla")}, summary);

    const auto merged = merged_report_json(std::move(reports), summary, slas);

    EXPECT_EQ(merged["merged_from"], (nlohmann::json{"shard-a.json", "shard-b.json"}));
    EXPECT_EQ(merged["passed"], false);
    EXPECT_EQ(merged["journeys"].size(), 12u);
    EXPECT_EQ(merged["journeys"][8]["report"], "shard-b.json");
    std::size_t finished = 0;
    for (const auto& count : merged["throughput"]["finished"]) {
        finished += count.get<std::size_t>();
    }
    EXPECT_EQ(finished, 12u);
    const std::string page = html_report(merged, {.title = "goldenpath merged report"});
    EXPECT_PAGE_HAS(page, ("2 reports merged: shard-a.json, shard-b.json"));
    EXPECT_PAGE_HAS(page, (R"(<td class="held">held</td>)"));
    EXPECT_PAGE_HAS(page, ("of shard-a.json"));
    EXPECT_PAGE_HAS(page, (R"(<section id="throughput">)"));
    expect_no_network(page);
}

TEST(ReportJsonForHtmlTest, LoadReportCarriesVerdictReadyPhaseAndJourneysPerSecond) {
    const auto report = run_with_three_failure_kinds(8);
    const auto json = report.to_json();

    EXPECT_EQ(json["passed"], false);
    ASSERT_TRUE(json["summary"]["ready_ms"].is_object()) << json["summary"].dump();
    EXPECT_EQ(json["summary"]["ready_ms"]["count"], 8u);
    const auto series = ThroughputSeries::from_json(json["throughput"], "/throughput");
    std::size_t finished = 0, failed = 0;
    for (std::size_t i = 0; i < series.finished().size(); ++i) {
        finished += series.finished()[i];
        failed += series.failed()[i];
    }
    EXPECT_EQ(finished, 8u);
    EXPECT_EQ(failed, 6u);
    EXPECT_EQ(LoadSummary::from_report_json(json), report.summary) << "ready survives the JSON";
}

TEST(ThroughputSeriesTest, CountsJourneysPerSecond) {
    ThroughputSeries series;
    series.record(10, false);
    series.record(999, true);
    series.record(2500, false);
    EXPECT_EQ(series.bucket_ms(), 1000);
    EXPECT_EQ(series.finished(), (std::vector<std::size_t>{2, 0, 1}));
    EXPECT_EQ(series.failed(), (std::vector<std::size_t>{1, 0, 0}));
    EXPECT_EQ(ThroughputSeries::from_json(series.to_json(), "/throughput"), series);
}

TEST(ThroughputSeriesTest, StaysBoundedAndMergesPartsIntoTheWhole) {
    ThroughputSeries whole, early, late;
    for (int i = 0; i < 3000; ++i) {
        const double at = i * 400.0;  // 20 minutes
        whole.record(at, i % 7 == 0);
        (i % 2 == 0 ? early : late).record(i % 2 == 0 ? at / 4 : at, i % 7 == 0);
    }
    EXPECT_LE(whole.finished().size(), ThroughputSeries::kMaxBuckets);
    EXPECT_EQ(whole.bucket_ms(), 4000);
    ThroughputSeries a, b, both;
    for (int i = 0; i < 1500; ++i) {
        a.record(i * 1000.0, false);
        b.record(i * 10.0, true);
        both.record(i * 1000.0, false);
        both.record(i * 10.0, true);
    }
    ThroughputSeries merged = b;
    merged.merge(a);
    EXPECT_EQ(merged, both);
    EXPECT_LE(merged.finished().size(), ThroughputSeries::kMaxBuckets);
}

TEST(ThroughputSeriesTest, MalformedJsonNamesTheField) {
    const auto error_of = [](const nlohmann::json& json) {
        try {
            ThroughputSeries::from_json(json, "/throughput");
        } catch (const ConfigError& error) {
            return std::string(error.what());
        }
        return std::string("no error");
    };
    EXPECT_THAT(
        error_of({{"bucket_ms", 1500}, {"finished", {1}}, {"failed", {0}}}),
        HasSubstr("(/throughput/bucket_ms) must be 1000 ms times a power of two, but is 1500"));
    EXPECT_THAT(error_of({{"bucket_ms", 1000}, {"finished", {1}}, {"failed", {2}}}),
                HasSubstr("(/throughput/failed/0) must be at most finished (1), but is 2"));
    EXPECT_THAT(error_of({{"bucket_ms", 1000}, {"finished", {1, 2}}, {"failed", {0}}}),
                HasSubstr("(/throughput/failed) must have as many buckets as finished (2)"));
    // A report file is anybody's bytes: an invalid UTF-8 or huge value is quoted replaced and cut,
    // never thrown from nlohmann's dump().
    EXPECT_THAT(error_of(nlohmann::json(std::string("\xff\xfe"))),
                HasSubstr("must be an object with bucket_ms, finished and failed, but is "
                          "\"\xEF\xBF\xBD\xEF\xBF\xBD\""));
    const std::string error = error_of(nlohmann::json(std::string(100'000, 'x')));
    EXPECT_LT(error.size(), 400U) << error;
}

}  // namespace
}  // namespace goldenpath
