// README example: EventSequenceVerifier fed by hand, one frame at a time.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

// Stands for the frames a client of your own received, in order.
std::vector<std::string> frames_my_client_received(bool broken = false) {
    const nlohmann::json ids = {{"thread_id", "thread-7"}, {"run_id", "run-7"}};
    std::vector<nlohmann::json> bodies = {
        {{"type", "connection_established"}},
        {{"type", "agent_started"}, {"agent_name", "triage"}},
        {{"type", "agent_thinking"}, {"reasoning", "look it up"}},
        {{"type", "tool_executing"}, {"tool_name", "search"}},
        {{"type", "tool_completed"}, {"tool_name", "search"}, {"results", {1}}},
        {{"type", "agent_completed"}, {"final_response", "done"}},
    };
    if (broken) {
        bodies.erase(bodies.begin() + 2);  // no agent_thinking before the tool
    }
    std::vector<std::string> frames;
    for (nlohmann::json& body : bodies) {
        if (body["type"] != "connection_established") {
            body.update(ids);
        }
        frames.push_back(body.dump());
    }
    return frames;
}

}  // namespace

// [readme:event_sequence_verifier]
#include <utility>
#include <variant>

#include <gtest/gtest.h>

#include "goldenpath/event.hpp"
#include "goldenpath/event_sequence_verifier.hpp"

TEST(ClientFrames, FollowsTheGoldenPathAsFramesArrive) {
    const auto profile = goldenpath::default_profile();
    goldenpath::EventSequenceVerifier verifier;  // the default profile, shared
    const auto run = verifier.start_run("thread-7", "run-7");
    for (const std::string& frame : frames_my_client_received()) {
        auto parsed = goldenpath::parse_event(frame, profile);
        ASSERT_TRUE(std::holds_alternative<goldenpath::Event>(parsed)) << frame;
        verifier.feed(std::get<goldenpath::Event>(parsed));
    }
    verifier.end_of_stream("my client's stream ended");
    // Done with the verifier: the verdict takes the run's timeline out of it.
    const goldenpath::Verdict verdict = std::move(verifier).verdict(run);
    EXPECT_TRUE(verdict.passed()) << verdict.to_string() << "\n"
                                  << goldenpath::format_timeline(verdict.timeline);
}
// [end]

// The example can fail: without agent_thinking the run breaks a rule, and the moved verdict says
// which.
TEST(ClientFrames, ABrokenStreamFailsWithItsRule) {
    const auto profile = goldenpath::default_profile();
    goldenpath::EventSequenceVerifier verifier;
    const auto run = verifier.start_run("thread-7", "run-7");
    for (const std::string& frame : frames_my_client_received(true)) {
        verifier.feed(std::get<goldenpath::Event>(goldenpath::parse_event(frame, profile)));
    }
    verifier.end_of_stream("my client's stream ended");
    const goldenpath::Verdict verdict = std::move(verifier).verdict(run);
    ASSERT_TRUE(verdict.violation.has_value());
    EXPECT_EQ(verdict.violation->rule, goldenpath::Rule::no_thinking_before_tool);
    // connection_established (the one open run takes it) and the four events that came.
    EXPECT_EQ(verdict.timeline.size(), 5U);
}
