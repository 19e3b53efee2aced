#include "goldenpath/attempt_log.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/golden_path_journey.hpp"

namespace goldenpath {
namespace {

using testing::HasSubstr;

TEST(AttemptLogTest, KeepsEachAttemptsStartAndTheTotal) {
    AttemptLog log;
    Failure refused;
    refused.kind = FailureKind::refused;
    refused.url = "ws://127.0.0.1:9/ws";
    log.record(refused, Clock::now());
    Failure listed = refused;
    listed.attempts = {{refused.url, "refused", "", 2.0}, {refused.url, "refused", "", 3.0}};
    const auto second_started = Clock::now();
    log.record(listed, second_started);

    Failure last = listed;
    log.finish(last);
    ASSERT_EQ(last.attempts.size(), 3U);
    EXPECT_EQ(last.attempts[0].kind_label, "refused");
    EXPECT_GE(last.attempts[1].started_ms, last.attempts[0].started_ms);
    EXPECT_DOUBLE_EQ(last.attempts[2].started_ms, last.attempts[1].started_ms + 2.0);
    EXPECT_GE(last.total_ms, last.attempts[1].started_ms);
}

// A journey to a closed port with three attempts 40 ms apart: the failure's total is the whole
// journey, back-off included, and each attempt says when it started.
TEST(AttemptLogTest, ARetriedJourneyReportsTheBackoffItWaited) {
    JourneyOptions options;
    {
        const AgentServerDouble closed;  // its port is free again once it is gone
        options.config.url = Url::parse(closed.url());
    }
    options.config.retry.max_attempts = 3;
    options.config.retry.initial_backoff = Milliseconds{40};
    options.config.retry.multiplier = 1.0;
    options.config.retry.jitter = 0;
    const auto started = Clock::now();
    const JourneyResult result = GoldenPathJourney(options).run();
    const double took = elapsed_ms(started, Clock::now());

    ASSERT_TRUE(result.failure);
    const Failure& failure = *result.failure;
    ASSERT_EQ(failure.kind, FailureKind::refused) << failure.to_string();
    ASSERT_EQ(failure.attempts.size(), 3U) << failure.to_string();
    EXPECT_GE(failure.attempts[1].started_ms, 40.0) << failure.to_string();
    EXPECT_GE(failure.attempts[2].started_ms, 80.0) << failure.to_string();
    EXPECT_GE(failure.total_ms, 80.0) << failure.to_string();
    EXPECT_LE(failure.total_ms, took) << failure.to_string();
    // The first attempt starts at once: +0 ms, or a fraction of one on a slow machine (ASan).
    EXPECT_THAT(failure.to_string(),
                testing::ContainsRegex(" ms with back-off: \\+0(\\.[0-9])? ms refused "));
    EXPECT_THAT(failure.to_string(), testing::ContainsRegex("refused after [0-9][0-9]"));
}

}  // namespace
}  // namespace goldenpath
