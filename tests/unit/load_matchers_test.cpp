#include "goldenpath/fixtures/load_matchers.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "explain.hpp"
#include "goldenpath/config_error.hpp"

namespace goldenpath {
namespace {

using fixtures::AllJourneysPassed;
using fixtures::MeetsSlas;
using test::explain;
using testing::DescribeMatcher;
using testing::Not;

LoadJourney passed_journey(std::size_t user, double completion_ms) {
    LoadJourney journey{user, 0, {}};
    journey.result.timings.connect_ms = 1.0;
    journey.result.timings.first_event_ms = 2.0;
    journey.result.timings.completion_ms = completion_ms;
    return journey;
}

LoadJourney refused_journey(std::size_t user) {
    LoadJourney journey{user, 0, {}};
    Failure failure;
    failure.kind = FailureKind::refused;
    failure.url = "ws://127.0.0.1:9/ws";
    failure.detail = "Connection refused";
    journey.result.failure = failure;
    return journey;
}

LoadReport report_of(std::vector<LoadJourney> journeys, std::vector<std::string> slas = {}) {
    LoadReport report;
    report.journeys = std::move(journeys);
    report.summary = LoadSummary::of(report.samples());
    std::vector<SlaExpression> parsed;
    for (const auto& sla : slas) {
        parsed.push_back(SlaExpression::parse(sla, "--sla"));
    }
    report.slas = evaluate_slas(parsed, report.summary);
    return report;
}

TEST(AllJourneysPassedTest, DescribesItselfAsAVerbPhrase) {
    EXPECT_EQ(DescribeMatcher<LoadReport>(AllJourneysPassed()),
              "has every journey follow the golden path, with no isolation violation");
    EXPECT_EQ(DescribeMatcher<LoadReport>(Not(AllJourneysPassed())),
              "has a journey that does not follow the golden path, or an isolation violation");
}

TEST(AllJourneysPassedTest, MatchesWhenEveryJourneyPassed) {
    const auto report = report_of({passed_journey(0, 10), passed_journey(1, 12)});
    EXPECT_THAT(report, AllJourneysPassed());
    EXPECT_EQ(explain(AllJourneysPassed(), report),
              "whose 2 journeys all followed the golden path");
}

TEST(AllJourneysPassedTest, ExplainsFailuresByKindAndTheFirstFailure) {
    const auto report = report_of({passed_journey(0, 10), refused_journey(1), refused_journey(2)});
    EXPECT_THAT(report, Not(AllJourneysPassed()));
    EXPECT_EQ(explain(AllJourneysPassed(), report),
              "whose 2 of 3 journeys failed (refused: 2); first: user 1 run 0: " +
                  report.journeys[1].result.failure->to_string());
}

TEST(AllJourneysPassedTest, AnIsolationViolationOrNoJourneyAtAllDoesNotMatch) {
    auto report = report_of({passed_journey(0, 10)});
    report.isolation.count = 1;
    report.isolation.first.push_back(
        IsolationViolation{0, 0, "thread-0-a", "run-0-a", "foreign_event: event #2 is ..."});
    EXPECT_THAT(report, Not(AllJourneysPassed()));
    EXPECT_EQ(explain(AllJourneysPassed(), report),
              "whose 1 journeys passed, but with isolation: 1 violation; user 0 run 0 (thread "
              "thread-0-a, run run-0-a): foreign_event: event #2 is ...");
    EXPECT_EQ(explain(AllJourneysPassed(), report_of({})), "which ran no journey");
}

TEST(AllJourneysPassedTest, FailsAnAssertionWithTheExplanation) {
    const auto report = report_of({refused_journey(0)});
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(report, AllJourneysPassed()),
                            "whose 1 of 1 journeys failed (refused: 1)");
}

TEST(MeetsSlasTest, DescribesTheExpressions) {
    EXPECT_EQ(DescribeMatcher<LoadReport>(MeetsSlas({"p95.completion<500ms", "success>=99%"})),
              "meets every SLA (p95.completion<500ms, success>=99%)");
    EXPECT_EQ(DescribeMatcher<LoadReport>(MeetsSlas()), "meets every SLA it was run with");
    EXPECT_EQ(DescribeMatcher<LoadReport>(Not(MeetsSlas({"max.connect<5ms"}))),
              "violates an SLA of (max.connect<5ms)");
}

TEST(MeetsSlasTest, ExplainsViolatedSlasWithFailuresByKind) {
    const auto report = report_of({passed_journey(0, 40), refused_journey(1)});
    const auto slas = MeetsSlas({"p95.completion<35ms", "p50.connect<5ms"});
    EXPECT_THAT(report, Not(slas));
    EXPECT_EQ(explain(slas, report),
              "whose sla p95.completion<35ms violated: 40.0 ms (1 failed: refused: 1)");
    EXPECT_THAT(report, MeetsSlas({"p95.completion<50ms"}));
}

TEST(MeetsSlasTest, UsesTheSlasTheRunWasConfiguredWith) {
    const auto held = report_of({passed_journey(0, 10)}, {"success>=100%"});
    EXPECT_THAT(held, MeetsSlas());
    EXPECT_EQ(explain(MeetsSlas(), held), "whose sla success>=100% held: 100.0%");

    const auto violated = report_of({passed_journey(0, 10), refused_journey(1)}, {"success>=99%"});
    EXPECT_EQ(explain(MeetsSlas(), violated),
              "whose sla success>=99% violated: 50.0% (1 failed: refused: 1)");
}

TEST(MeetsSlasTest, NoSlaToCheckDoesNotMatch) {
    const auto report = report_of({passed_journey(0, 10)});
    EXPECT_THAT(report, Not(MeetsSlas()));
    EXPECT_THAT(explain(MeetsSlas(), report), testing::HasSubstr("which has no SLA to check"));
}

TEST(MeetsSlasTest, AMalformedExpressionIsAConfigError) {
    EXPECT_THROW(MeetsSlas({"p42.completion<1ms"}), ConfigError);
}

}  // namespace
}  // namespace goldenpath
