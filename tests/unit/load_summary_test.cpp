#include "goldenpath/load_summary.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/config_error.hpp"

namespace goldenpath {
namespace {

using testing::HasSubstr;

JourneySample passed(double connect, double first, double completion) {
    return JourneySample{true, connect, first, completion, {}};
}

JourneySample failed(std::string label) {
    return JourneySample{false, std::nullopt, std::nullopt, std::nullopt, std::move(label)};
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
    EXPECT_DOUBLE_EQ(summary.completion->p50, 150.0);
    EXPECT_DOUBLE_EQ(summary.completion->p95, 285.0);
    EXPECT_DOUBLE_EQ(summary.completion->p99, 297.0);
    EXPECT_DOUBLE_EQ(summary.completion->max, 300.0);
    EXPECT_DOUBLE_EQ(summary.connect->p50, 50.0);
}

TEST(LoadSummaryTest, FailuresAreGroupedByKindMostFrequentFirst) {
    const auto summary = LoadSummary::of(
        {failed("timeout(first_event)"), failed("refused"), failed("refused"), passed(1, 1, 1)});
    EXPECT_EQ(summary.failures_text(), "refused: 2, timeout(first_event): 1");
    EXPECT_DOUBLE_EQ(summary.success_percent(), 25.0);
    EXPECT_THAT(summary.to_string(), HasSubstr("failures: refused: 2, timeout(first_event): 1"));
}

TEST(LoadSummaryTest, JsonCarriesCountsAndPercentiles) {
    const auto json = LoadSummary::of({passed(1, 2, 3)}).to_json();
    EXPECT_EQ(json["journeys"], 1);
    EXPECT_EQ(json["completion_ms"]["p99"], 3.0);
    EXPECT_TRUE(json["failures_by_kind"].empty());
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
