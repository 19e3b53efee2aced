// A verdict moved out of a verifier that is done with (`std::move(verifier).verdict()`) equals the
// one copied out, for a run and for the connection, and a moved-out timeline is left empty.
#include "goldenpath/event_sequence_verifier.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace goldenpath {
namespace {

using nlohmann::json;
using testing::ElementsAre;
using testing::IsEmpty;

const Clock::time_point kOrigin = Clock::time_point{} + std::chrono::seconds(100);

// A verifier after connection_established, one run's golden path and a frame no run owns; the
// second run, when `two_runs`, breaks the order at its first event.
EventSequenceVerifier fed_verifier(bool two_runs) {
    EventSequenceVerifier verifier;
    const auto profile = default_profile();
    std::size_t frame = 0;
    const auto feed = [&](json body) {
        verifier.feed(make_event(std::move(body), profile,
                                 kOrigin + std::chrono::milliseconds(10 * frame), frame));
        ++frame;
    };
    feed({{"type", "connection_established"}});
    verifier.start_run("t-1", "r-1", kOrigin);
    if (two_runs) {
        verifier.start_run("t-2", "r-2", kOrigin);
    }
    feed({{"type", "agent_started"}, {"run_id", "r-1"}, {"data", {{"agent_name", "triage"}}}});
    feed({{"type", "agent_thinking"}, {"run_id", "r-1"}, {"data", {{"reasoning", "hm"}}}});
    feed({{"type", "heartbeat"}});
    feed({{"type", "tool_executing"},
          {"run_id", "r-1"},
          {"data", {{"tool_name", "search"}, {"tool_call_id", "c-1"}}}});
    if (two_runs) {
        feed({{"type", "agent_thinking"}, {"run_id", "r-2"}, {"data", {{"reasoning", "x"}}}});
    }
    feed({{"type", "tool_completed"},
          {"run_id", "r-1"},
          {"data", {{"tool_name", "search"}, {"tool_call_id", "c-1"}, {"results", {1}}}}});
    feed({{"type", "agent_completed"}, {"run_id", "r-1"}, {"data", {{"final_response", "ok"}}}});
    return verifier;
}

std::vector<std::string> summaries(const Verdict& verdict) {
    std::vector<std::string> out;
    for (const TimelineEntry& entry : verdict.timeline) {
        out.push_back(entry.summary);
    }
    return out;
}

void expect_same(const Verdict& moved, const Verdict& copied) {
    EXPECT_EQ(moved.passed(), copied.passed());
    EXPECT_EQ(moved.completed, copied.completed);
    EXPECT_EQ(moved.event_count, copied.event_count);
    EXPECT_EQ(moved.to_string(), copied.to_string());
    EXPECT_EQ(format_timeline(moved.timeline), format_timeline(copied.timeline));
    EXPECT_EQ(summaries(moved), summaries(copied));
}

TEST(VerdictMove, TheConnectionVerdictMovedOutEqualsTheCopiedOne) {
    for (const bool two_runs : {false, true}) {
        SCOPED_TRACE(two_runs ? "two runs" : "one run");
        EventSequenceVerifier verifier = fed_verifier(two_runs);
        const Verdict copied = verifier.verdict();
        const Verdict moved = std::move(verifier).verdict();
        expect_same(moved, copied);
        EXPECT_EQ(moved.passed(), !two_runs);
        EXPECT_EQ(moved.timeline.size(), two_runs ? 8U : 7U);
        // NOLINTNEXTLINE(bugprone-use-after-move): what a moved-out verifier keeps is specified
        EXPECT_THAT(verifier.verdict().timeline, IsEmpty());
    }
}

TEST(VerdictMove, ARunsVerdictMovedOutEqualsTheCopiedOne) {
    EventSequenceVerifier verifier = fed_verifier(true);
    const Verdict copied_first = verifier.verdict(0);
    const Verdict copied_second = verifier.verdict(1);
    const Verdict moved_first = std::move(verifier).verdict(0);
    expect_same(moved_first, copied_first);
    EXPECT_TRUE(moved_first.passed());
    EXPECT_THAT(
        summaries(moved_first),
        ElementsAre("agent_started {agent_name: triage}", "agent_thinking",
                    "tool_executing {tool_name: search, tool_call_id: c-1}",
                    "tool_completed {tool_name: search, tool_call_id: c-1}", "agent_completed"));
    // Moving one run's timeline out leaves the other run's and the connection's in place.
    // NOLINTNEXTLINE(bugprone-use-after-move)
    expect_same(verifier.verdict(1), copied_second);
    EXPECT_FALSE(copied_second.passed());
    EXPECT_THAT(verifier.verdict(0).timeline, IsEmpty());
    EXPECT_EQ(verifier.verdict().timeline.size(), 8U);
}

// `count` entries, numbered, with summaries long enough to live on the heap.
void push_numbered(BoundedTimeline& timeline, std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) {
        TimelineEntry entry;
        entry.frame_index = i;
        entry.summary = "frame " + std::to_string(i) + " with a summary longer than SSO";
        timeline.push(entry);
    }
}

// Moves the entries out of `timeline`, checks them against a copy taken just before, and checks
// that the timeline is left empty.
std::vector<TimelineEntry> moved_out_equal_to_copy(BoundedTimeline& timeline) {
    const auto copied = timeline.entries();
    auto moved = std::move(timeline).entries();
    EXPECT_EQ(moved.size(), copied.size());
    for (std::size_t i = 0; i < std::min(moved.size(), copied.size()); ++i) {
        EXPECT_EQ(moved[i].frame_index, copied[i].frame_index) << "entry " << i;
        EXPECT_EQ(moved[i].summary, copied[i].summary) << "entry " << i;
        EXPECT_EQ(moved[i].omitted, copied[i].omitted) << "entry " << i;
    }
    // NOLINTNEXTLINE(bugprone-use-after-move)
    EXPECT_TRUE(timeline.empty());
    EXPECT_EQ(timeline.omitted(), 0U);
    EXPECT_THAT(timeline.entries(), IsEmpty());
    return moved;
}

TEST(BoundedTimelineMove, EntriesMovedOutKeepTheOrderAndTheOmittedMarker) {
    BoundedTimeline timeline(2, 2);
    push_numbered(timeline, 7);
    const auto moved = moved_out_equal_to_copy(timeline);
    ASSERT_EQ(moved.size(), 5U);
    EXPECT_EQ(moved[2].omitted, 3U);
    EXPECT_EQ(moved[4].frame_index, 6U);
}

std::vector<std::size_t> frame_indexes(const std::vector<TimelineEntry>& entries) {
    std::vector<std::size_t> indexes;
    for (const TimelineEntry& entry : entries) {
        indexes.push_back(entry.frame_index);
    }
    return indexes;
}

// A timeline that never filled its head hands its head over whole: same entries, none left
// behind, and the timeline takes new ones afterwards.
TEST(BoundedTimelineMove, AShortTimelineIsHandedOverWholeAndStaysUsable) {
    BoundedTimeline timeline(8, 2);
    push_numbered(timeline, 3);
    EXPECT_THAT(frame_indexes(moved_out_equal_to_copy(timeline)), ElementsAre(0U, 1U, 2U));
    push_numbered(timeline, 1);
    EXPECT_THAT(frame_indexes(timeline.entries()), ElementsAre(0U));
}

}  // namespace
}  // namespace goldenpath
