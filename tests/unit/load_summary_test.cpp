#include "goldenpath/load_summary.hpp"

#include <cmath>
#include <random>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/config_error.hpp"

namespace goldenpath {
namespace {

using testing::AllOf;
using testing::Ge;
using testing::HasSubstr;
using testing::Le;

testing::Matcher<double> WithinOnePercentAbove(double exact) {
    return AllOf(Ge(exact), Le(exact * 1.01));
}

JourneySample passed(double connect, double first, double completion) {
    return JourneySample{true, connect, first, completion, {}, std::nullopt};
}

JourneySample failed(std::string label) {
    return JourneySample{false,        std::nullopt,     std::nullopt,
                         std::nullopt, std::move(label), std::nullopt};
}

TEST(LoadSummaryTest, NearestRankPercentilesOverJourneysThatReachedThePhase) {
    std::vector<JourneySample> samples;
    for (int i = 1; i <= 100; ++i) {
        samples.push_back(passed(i, 2.0 * i, 3.0 * i));
    }
    samples.push_back(failed("refused"));
    const auto summary = LoadSummary::of(samples);

    EXPECT_EQ(summary.journeys, 101u);
    EXPECT_EQ(summary.passed, 100u);
    ASSERT_TRUE(summary.completion);
    EXPECT_EQ(summary.completion->count, 100u);
    // From the histogram: the highest value of the rank's bucket, at most 1/128 above it.
    EXPECT_THAT(summary.completion->p50, WithinOnePercentAbove(150.0));
    EXPECT_THAT(summary.completion->p95, WithinOnePercentAbove(285.0));
    EXPECT_THAT(summary.completion->p99, WithinOnePercentAbove(297.0));
    EXPECT_DOUBLE_EQ(summary.completion->max, 300.0);  // exact
    EXPECT_THAT(summary.connect->p50, WithinOnePercentAbove(50.0));
}

TEST(LoadSummaryTest, FailuresAreGroupedByKindMostFrequentFirst) {
    const auto summary = LoadSummary::of(
        {failed("timeout(first_event)"), failed("refused"), failed("refused"), passed(1, 1, 1)});
    EXPECT_EQ(summary.failures_text(), "refused: 2, timeout(first_event): 1");
    EXPECT_DOUBLE_EQ(summary.success_percent(), 25.0);
    EXPECT_THAT(summary.to_string(), HasSubstr("failures: refused: 2, timeout(first_event): 1"));
}

TEST(LoadSummaryTest, JsonCarriesCountsPercentilesAndSparseHistograms) {
    const auto json =
        LoadSummary::of({passed(1, 2, 3), passed(1, 2, 3.001), passed(1, 2, 500)}).to_json();
    EXPECT_EQ(json["journeys"], 3);
    EXPECT_EQ(json["completion_ms"]["max"], 500.0);
    EXPECT_TRUE(json["failures_by_kind"].empty());
    const auto& histogram = json["completion_ms"]["histogram"];
    EXPECT_EQ(histogram["unit"], "us");
    EXPECT_EQ(histogram["max_us"], 500000);
    // 3000 us and 3001 us share a bucket (width 16 us there); only non-empty buckets appear.
    EXPECT_EQ(histogram["buckets"], nlohmann::json::parse("[[2992, 2], [499712, 1]]"));
}

TEST(LatencyHistogramTest, BucketsAreAtMostOnePercentWide) {
    for (double ms = 0.128; ms < 3'600'000.0; ms *= 1.37) {
        LatencyHistogram histogram;
        histogram.record(ms);
        histogram.record(ms * 4);
        const double exact = std::round(ms * 1000.0) / 1000.0;
        EXPECT_THAT(histogram.percentile_ms(50), AllOf(Ge(exact), Le(exact * (1 + 1.0 / 128))))
            << "value " << ms << " ms";
    }
}

TEST(LatencyHistogramTest, ClampsToZeroAndOneHour) {
    LatencyHistogram histogram;
    histogram.record(-5);
    histogram.record(std::nan(""));
    histogram.record(1e12);
    EXPECT_EQ(histogram.count(), 3u);
    EXPECT_DOUBLE_EQ(histogram.percentile_ms(50), 0.0);
    EXPECT_EQ(histogram.max_micros(), LatencyHistogram::kMaxMicros);
    EXPECT_DOUBLE_EQ(histogram.percentile_ms(100), 3'600'000.0);
}

// Deterministic journeys with every phase shape: passed, failed before connecting, failed after
// the first event.
std::vector<JourneySample> varied_samples(std::size_t count) {
    std::mt19937 random(20261126);
    std::lognormal_distribution<double> latency(1.0, 1.5);
    const char* kinds[] = {"refused", "timeout(first_event)", "http_status(503)"};
    std::vector<JourneySample> samples;
    for (std::size_t i = 0; i < count; ++i) {
        if (i % 17 == 0) {
            samples.push_back(failed(kinds[i % 3]));
        } else if (i % 23 == 0) {
            samples.push_back(JourneySample{
                false, latency(random), latency(random), std::nullopt, "stalled", {}});
        } else {
            samples.push_back(passed(latency(random), latency(random), 10 * latency(random)));
        }
    }
    return samples;
}

NamedReport report_file(std::string name, const LoadSummary& summary) {
    const nlohmann::json report = {{"schema_version", kLoadReportSchemaVersion},
                                   {"summary", summary.to_json()}};
    // Through text, as files written on other machines are.
    return NamedReport{std::move(name), nlohmann::json::parse(report.dump())};
}

void expect_same_phase(const std::optional<PhasePercentiles>& merged,
                       const std::optional<PhasePercentiles>& whole, const char* phase) {
    ASSERT_EQ(merged.has_value(), whole.has_value()) << phase;
    if (whole) {
        EXPECT_EQ(merged->count, whole->count) << phase;
        EXPECT_EQ(merged->p50, whole->p50) << phase;
        EXPECT_EQ(merged->p95, whole->p95) << phase;
        EXPECT_EQ(merged->p99, whole->p99) << phase;
        EXPECT_EQ(merged->max, whole->max) << phase;
    }
}

TEST(LoadSummaryMergeTest, ThreeReportsMergeToExactlyTheSummaryOfTheUnion) {
    const auto samples = varied_samples(3001);
    const auto whole = LoadSummary::of(samples);
    const auto cut = [&](std::size_t from, std::size_t to) {
        return LoadSummary::of(
            std::vector<JourneySample>(samples.begin() + static_cast<std::ptrdiff_t>(from),
                                       samples.begin() + static_cast<std::ptrdiff_t>(to)));
    };

    const auto merged =
        merge_reports({report_file("a.json", cut(0, 250)), report_file("b.json", cut(250, 1900)),
                       report_file("c.json", cut(1900, samples.size()))});

    EXPECT_EQ(merged.journeys, whole.journeys);
    EXPECT_EQ(merged.passed, whole.passed);
    EXPECT_EQ(merged.failures_by_kind, whole.failures_by_kind);
    EXPECT_EQ(merged.failures_text(), whole.failures_text());
    expect_same_phase(merged.connect, whole.connect, "connect");
    expect_same_phase(merged.first_event, whole.first_event, "first_event");
    expect_same_phase(merged.completion, whole.completion, "completion");
    EXPECT_TRUE(merged == whole);
    EXPECT_EQ(merged.to_string(), whole.to_string());
    // The split must matter: a part alone differs (else this test could not fail).
    EXPECT_FALSE(cut(0, 250) == whole);
}

TEST(LoadSummaryMergeTest, ReadsSchemaVersionOneReportsFromTheirSamples) {
    const auto samples = varied_samples(200);
    nlohmann::json old_report = {{"schema_version", 1}, {"samples", nlohmann::json::array()}};
    for (const auto& sample : samples) {
        old_report["samples"].push_back(sample.to_json());
    }
    const auto merged = merge_reports({NamedReport{"old.json", old_report}});
    EXPECT_TRUE(merged == LoadSummary::of(samples));
}

TEST(LoadSummaryMergeTest, MismatchedSchemaVersionsFailNamingBothReports) {
    const auto summary = LoadSummary::of(varied_samples(10));
    const NamedReport old_report{"old.json",
                                 {{"schema_version", 1}, {"samples", nlohmann::json::array()}}};
    try {
        merge_reports({report_file("new.json", summary), old_report});
        ADD_FAILURE() << "merged reports of schema_version 2 and 1";
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.field(), "old.json: /schema_version");
        EXPECT_EQ(error.actual(), "1");
        EXPECT_THAT(error.what(), HasSubstr("must equal the schema_version of new.json (2)"));
    }
}

TEST(LoadSummaryMergeTest, MalformedReportsFailNamingReportAndPointer) {
    auto report = report_file("a.json", LoadSummary::of({passed(1, 2, 3)}));
    report.report["summary"]["connect_ms"]["histogram"]["buckets"][0][0] = 1001;  // no boundary
    try {
        merge_reports({report});
        ADD_FAILURE() << "accepted a bucket off the scheme's boundaries";
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.field(), "a.json: /summary/connect_ms/histogram/buckets/0");
        EXPECT_EQ(error.actual(), "[1001,1]");
        EXPECT_THAT(error.what(), HasSubstr("must start at a distinct bucket boundary"));
    }
    auto huge = report_file("a.json", LoadSummary::of({passed(1, 2, 3)}));
    huge.report["summary"]["connect_ms"]["histogram"]["buckets"][0][0] = 9223372036854775808u;
    EXPECT_THROW(merge_reports({huge}), ConfigError);
    for (const char* text : {R"({"schema_version": 3})", R"({"schema_version": 2})", "[1]"}) {
        EXPECT_THROW(merge_reports({NamedReport{"x.json", nlohmann::json::parse(text)}}),
                     ConfigError)
            << text;
    }
    EXPECT_THROW(merge_reports({}), ConfigError);
}

// Mistyped members once escaped as nlohmann::type_error (goldenpath-probe merge: exit 1).
TEST(LoadSummaryMergeTest, MistypedMembersAreConfigErrorsNamingThePointer) {
    const std::pair<const char*, const char*> cases[] = {
        {R"({"schema_version": 1, "samples": [{"passed": "yes"}]})", "x.json: /samples/0/passed"},
        {R"({"schema_version": 1, "samples": [{"passed": true, "failure": 5}]})",
         "x.json: /samples/0/failure"},
        {R"({"schema_version": 2, "summary": {"journeys": 1, "passed": 1, "failures_by_kind": {},
             "connect_ms": {"histogram": {"unit": 5, "scheme": 7}}}})",
         "x.json: /summary/connect_ms/histogram/scheme"},
    };
    for (const auto& [text, field] : cases) {
        try {
            merge_reports({NamedReport{"x.json", nlohmann::json::parse(text)}});
            ADD_FAILURE() << "accepted " << text;
        } catch (const ConfigError& error) {
            EXPECT_EQ(error.field(), field) << text;
        }
    }
}

// Report errors quote the offending value as every configuration error does: bounded, and with
// invalid UTF-8 replaced rather than thrown about.
TEST(LoadSummaryMergeTest, OffendingValuesAreQuotedBoundedAndValidUtf8) {
    nlohmann::json report = {{"schema_version", 1},
                             {"samples", {{{"passed", std::string(2000, 'y')}}}}};
    try {
        merge_reports({NamedReport{"x.json", report}});
        ADD_FAILURE() << "accepted a string as passed";
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.field(), "x.json: /samples/0/passed");
        EXPECT_LE(error.actual().size(), 120U);
        EXPECT_THAT(error.actual(), HasSubstr("(2002 bytes)"));
    }
    report["samples"][0]["passed"] = std::string("\xc3");
    try {
        merge_reports({NamedReport{"x.json", report}});
        ADD_FAILURE() << "accepted a string as passed";
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.actual(), "\"\xEF\xBF\xBD\"");
    }
}

TEST(SlaExpressionTest, ParsesPercentileAndSuccessForms) {
    const auto p95 = SlaExpression::parse("p95.completion<500ms", "--sla");
    EXPECT_EQ(p95.statistic, SlaExpression::Statistic::p95);
    EXPECT_EQ(p95.metric, SlaExpression::Metric::completion);
    EXPECT_DOUBLE_EQ(p95.limit, 500.0);
    const auto success = SlaExpression::parse("success>=99.5%", "--sla");
    EXPECT_EQ(success.metric, SlaExpression::Metric::success);
    EXPECT_DOUBLE_EQ(success.limit, 99.5);
    EXPECT_EQ(SlaExpression::parse("max.connect<10ms", "--sla").statistic,
              SlaExpression::Statistic::max);
}

TEST(SlaExpressionTest, RejectsMalformedExpressionsNamingFieldAndText) {
    for (const char* text : {"p42.completion<1ms", "p95.latency<1ms", "p95.completion<fastms",
                             "p95.completion<500", "success>=101%", "success>=99", "p95"}) {
        try {
            SlaExpression::parse(text, "GOLDENPATH_SLA");
            ADD_FAILURE() << "accepted \"" << text << "\"";
        } catch (const ConfigError& error) {
            EXPECT_EQ(error.field(), "GOLDENPATH_SLA");
            EXPECT_EQ(error.actual(), text);
        }
    }
}

TEST(SlaEvaluationTest, HeldViolatedAndNoJourneyReachedThePhase) {
    const auto healthy = LoadSummary::of({passed(1, 2, 30), passed(1, 2, 40)});
    const auto results = evaluate_slas({SlaExpression::parse("p95.completion<35ms", "--sla"),
                                        SlaExpression::parse("p50.completion<35ms", "--sla")},
                                       healthy);
    EXPECT_FALSE(results[0].held);
    EXPECT_THAT(results[0].to_string(healthy), HasSubstr("violated: 40.0 ms"));
    EXPECT_TRUE(results[1].held);

    // The reference report's "no successful runs" now says why.
    const auto broken = LoadSummary::of({failed("http_status(404)"), failed("http_status(404)")});
    const auto none = evaluate_slas({SlaExpression::parse("p95.completion<500ms", "--sla"),
                                     SlaExpression::parse("success>=99%", "--sla")},
                                    broken);
    EXPECT_FALSE(none[0].held);
    EXPECT_EQ(none[0].to_string(broken),
              "sla p95.completion<500ms violated: no journey reached completion (2 failed: "
              "http_status(404): 2)");
    EXPECT_FALSE(none[1].held);
    EXPECT_THAT(none[1].to_string(broken), HasSubstr("violated: 0.0% (2 failed"));
}

}  // namespace
}  // namespace goldenpath
