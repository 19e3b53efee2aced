// A run's timeline is made from the connection's while the connection's head holds every frame,
// and kept by the run once it does not: either way it is the same timeline, timed from the run's
// origin, bounded by the run's own head and tail.
#include "goldenpath/event_sequence_verifier.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace goldenpath {
namespace {

using nlohmann::json;
using testing::ElementsAre;
using testing::IsEmpty;

const Clock::time_point kBase = Clock::time_point{} + std::chrono::seconds(100);

VerifierLimits head_of_four() {
    VerifierLimits limits;
    limits.timeline_head = 4;
    limits.timeline_tail = 2;
    return limits;
}

// A verifier with two runs: run 0 started at kBase, run 1 at kBase + 5 ms. Frame k arrives at
// kBase + 10 (k + 1) ms.
struct TwoRuns {
    explicit TwoRuns(VerifierLimits limits = head_of_four()) : verifier(default_profile(), limits) {
        verifier.start_run("t-1", "r-1", kBase);
        verifier.start_run("t-2", "r-2", kBase + std::chrono::milliseconds(5));
    }

    void feed(const std::string& type, const std::string& run_id) {
        json body = {{"type", type}};
        if (!run_id.empty()) {
            body["run_id"] = run_id;
        }
        const auto arrival = kBase + std::chrono::milliseconds(10 * (frames + 1));
        verifier.feed(make_event(std::move(body), default_profile(), arrival, frames));
        ++frames;
    }

    EventSequenceVerifier verifier;
    std::size_t frames = 0;
};

std::vector<std::size_t> frame_indexes(const Verdict& verdict) {
    std::vector<std::size_t> out;
    for (const TimelineEntry& entry : verdict.timeline) {
        out.push_back(entry.omitted > 0 ? 1000 + entry.omitted : entry.frame_index);
    }
    return out;
}

// Frames 0-3 fill the connection's head of four: the runs' timelines are still made from it.
TEST(RunTimeline, IsMadeFromTheConnectionsWhileItsHeadHoldsEveryFrame) {
    TwoRuns fed;
    fed.feed("agent_started", "r-1");
    fed.feed("agent_started", "r-2");
    fed.feed("heartbeat", "");
    fed.feed("agent_thinking", "r-1");
    EXPECT_EQ(format_timeline(fed.verifier.verdict(0).timeline),
              "#0 +10.0ms (+0.0ms) agent_started\n"
              "#1 +40.0ms (+30.0ms) agent_thinking\n");
    EXPECT_THAT(frame_indexes(fed.verifier.verdict(0)), ElementsAre(0U, 3U));
    EXPECT_EQ(format_timeline(fed.verifier.verdict(1).timeline),
              "#0 +15.0ms (+0.0ms) agent_started\n");
    EXPECT_THAT(frame_indexes(fed.verifier.verdict(1)), ElementsAre(1U));
    EXPECT_THAT(frame_indexes(fed.verifier.verdict()), ElementsAre(0U, 1U, 2U, 3U));
}

// Frame 4 finds the connection's head full: each run's timeline is made once and kept, and from
// then on bounded by the run's own head and tail.
TEST(RunTimeline, IsKeptByTheRunOnceTheConnectionsHeadIsFull) {
    TwoRuns fed;
    fed.feed("agent_started", "r-1");
    fed.feed("agent_started", "r-2");
    fed.feed("heartbeat", "");
    for (int i = 0; i < 7; ++i) {
        fed.feed("agent_thinking", "r-1");  // frames 3-9
    }
    fed.feed("agent_thinking", "r-2");  // frame 10
    const Verdict first = fed.verifier.verdict(0);
    EXPECT_EQ(format_timeline(first.timeline),
              "#0 +10.0ms (+0.0ms) agent_started\n"
              "#1 +40.0ms (+30.0ms) agent_thinking\n"
              "#2 +50.0ms (+10.0ms) agent_thinking\n"
              "#3 +60.0ms (+10.0ms) agent_thinking\n"
              "... 2 events omitted ...\n"
              "#6 +90.0ms (+10.0ms) agent_thinking\n"
              "#7 +100.0ms (+10.0ms) agent_thinking\n");
    EXPECT_THAT(frame_indexes(first), ElementsAre(0U, 3U, 4U, 5U, 1002U, 8U, 9U));
    EXPECT_EQ(format_timeline(fed.verifier.verdict(1).timeline),
              "#0 +15.0ms (+0.0ms) agent_started\n"
              "#1 +105.0ms (+90.0ms) agent_thinking\n");
    EXPECT_THAT(frame_indexes(fed.verifier.verdict()), ElementsAre(0U, 1U, 2U, 3U, 1005U, 9U, 10U));
    // A kept timeline moves out as it always did.
    EXPECT_EQ(format_timeline(std::move(fed.verifier).verdict(0).timeline),
              format_timeline(first.timeline));
}

TEST(RunTimeline, ARunsVerdictMovedOutWhileDerivedEqualsTheCopiedOne) {
    TwoRuns fed;
    fed.feed("agent_started", "r-1");
    fed.feed("agent_started", "r-2");
    fed.feed("agent_thinking", "r-1");
    const Verdict copied = fed.verifier.verdict(0);
    const Verdict moved = std::move(fed.verifier).verdict(0);
    EXPECT_EQ(format_timeline(moved.timeline), format_timeline(copied.timeline));
    EXPECT_THAT(frame_indexes(moved), ElementsAre(0U, 2U));
    // NOLINTNEXTLINE(bugprone-use-after-move): what a moved-out verifier keeps is specified
    EXPECT_THAT(fed.verifier.verdict(0).timeline, IsEmpty());
    EXPECT_THAT(frame_indexes(fed.verifier.verdict(1)), ElementsAre(1U));
    // Frames fed afterwards go on into the run's kept timeline.
    fed.feed("agent_thinking", "r-1");
    EXPECT_THAT(frame_indexes(fed.verifier.verdict(0)), ElementsAre(3U));
    EXPECT_THAT(frame_indexes(fed.verifier.verdict()), ElementsAre(0U, 1U, 2U, 3U));
}

// The connection's verdict moved out leaves every timeline empty, derived or kept; frames fed
// afterwards start them again.
TEST(RunTimeline, TheConnectionsVerdictMovedOutLeavesEveryTimelineEmpty) {
    for (const std::size_t frames : {3U, 6U}) {
        SCOPED_TRACE(frames == 3U ? "derived" : "kept");
        TwoRuns fed;
        fed.feed("agent_started", "r-1");
        fed.feed("agent_started", "r-2");
        while (fed.frames < frames) {
            fed.feed("agent_thinking", "r-1");
        }
        const Verdict moved = std::move(fed.verifier).verdict();
        EXPECT_EQ(moved.timeline.size(), frames);
        // NOLINTNEXTLINE(bugprone-use-after-move)
        EXPECT_THAT(fed.verifier.verdict(0).timeline, IsEmpty());
        EXPECT_THAT(fed.verifier.verdict(1).timeline, IsEmpty());
        EXPECT_THAT(fed.verifier.verdict().timeline, IsEmpty());
        fed.feed("agent_thinking", "r-2");
        EXPECT_THAT(fed.verifier.verdict(0).timeline, IsEmpty());
        EXPECT_THAT(frame_indexes(fed.verifier.verdict(1)), ElementsAre(frames));
        EXPECT_EQ(format_timeline(fed.verifier.verdict(1).timeline),
                  fmt::format("#1 +{}.0ms (+0.0ms) agent_thinking\n", 10 * frames + 5));
        EXPECT_THAT(frame_indexes(fed.verifier.verdict()), ElementsAre(frames));
    }
}

// A head of zero keeps no frame: the runs keep their timelines from the first frame on.
TEST(RunTimeline, AHeadOfZeroKeepsTheRunsTimelinesFromTheFirstFrame) {
    VerifierLimits limits;
    limits.timeline_head = 0;
    limits.timeline_tail = 1;
    EventSequenceVerifier verifier(default_profile(), limits);
    verifier.start_run("t-1", "r-1", kBase);
    for (std::size_t frame = 0; frame < 3; ++frame) {
        verifier.feed(make_event({{"type", frame == 0 ? "agent_started" : "agent_thinking"}},
                                 default_profile(),
                                 kBase + std::chrono::milliseconds(10 * (frame + 1)), frame));
    }
    EXPECT_EQ(format_timeline(verifier.verdict(0).timeline),
              "... 2 events omitted ...\n"
              "#2 +30.0ms (+10.0ms) agent_thinking\n");
}

}  // namespace
}  // namespace goldenpath
