// The five events in order, over real sockets against the in-process AgentServerDouble.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/matchers.hpp"

namespace goldenpath {
namespace {

using fixtures::FollowsGoldenPath;
using testing::ElementsAre;
using testing::Field;
using testing::HasSubstr;

std::vector<std::string> run_event_types(const JourneyResult& result) {
    std::vector<std::string> types;
    for (const auto& entry : result.verdict.timeline) {
        if (entry.event_index) {
            types.push_back(entry.type);
        }
    }
    return types;
}

class GoldenPathTest : public fixtures::AgentServerDoubleTest {};

TEST_F(GoldenPathTest, FiveEventsArriveInOrder) {
    const auto result = RunGoldenPath();

    EXPECT_THAT(result, FollowsGoldenPath());
    EXPECT_THAT(run_event_types(result),
                ElementsAre("agent_started", "agent_thinking", "tool_executing", "tool_completed",
                            "agent_completed"));
    ASSERT_TRUE(result.timings.connect_ms && result.timings.first_event_ms &&
                result.timings.completion_ms);
    EXPECT_LE(*result.timings.first_event_ms, *result.timings.completion_ms);
}

TEST_F(GoldenPathTest, ServerReceivesTheStartMessageWithTheJourneyIds) {
    const auto result = RunGoldenPath();
    ASSERT_THAT(result, FollowsGoldenPath());

    const auto connections = server().connections();
    ASSERT_EQ(connections.size(), 1u);
    ASSERT_FALSE(connections[0].received.empty());
    const auto start = nlohmann::json::parse(connections[0].received[0]);
    EXPECT_EQ(start["type"], "user_message");
    EXPECT_EQ(start["payload"]["thread_id"], result.thread_id);
    EXPECT_EQ(start["payload"]["run_id"], result.run_id);
    EXPECT_FALSE(start["payload"]["content"].get<std::string>().empty());
}

// The client masks what it sends in a 512-byte buffer: a longer message goes out in pieces, as
// one frame, and must arrive whole.
TEST_F(GoldenPathTest, AStartMessageLongerThanTheWriteBufferArrivesWhole) {
    auto options = journey_options();
    options.message.clear();
    for (int i = 0; options.message.size() < 20000; ++i) {
        options.message += "order " + std::to_string(i) + "; ";
    }
    const auto result = RunGoldenPath(options);
    ASSERT_THAT(result, FollowsGoldenPath());

    const auto connections = server().connections();
    ASSERT_EQ(connections.size(), 1u);
    ASSERT_FALSE(connections[0].received.empty());
    const auto start = nlohmann::json::parse(connections[0].received[0]);
    EXPECT_EQ(start["payload"]["content"], options.message);
}

TEST_F(GoldenPathTest, TimelineShowsEveryFrameWithOffsets) {
    const auto result = RunGoldenPath();
    ASSERT_THAT(result, FollowsGoldenPath());

    const std::string text = result.to_string();
    EXPECT_THAT(text, HasSubstr("connection_established"));
    EXPECT_THAT(text, HasSubstr("#4 +"));
    EXPECT_THAT(text, HasSubstr("agent_completed"));
    EXPECT_THAT(text, HasSubstr("verdict: PASS"));
}

class MultiToolGoldenPathTest : public fixtures::AgentServerDoubleTest {
  protected:
    AgentServerDoubleOptions server_options() override {
        AgentServerDoubleOptions options;
        options.script = Script::with_tools(3);
        return options;
    }
};

TEST_F(MultiToolGoldenPathTest, ThreeToolCallsFollowTheGoldenPath) {
    const auto result = RunGoldenPath();
    EXPECT_THAT(result, FollowsGoldenPath());
    EXPECT_EQ(result.verdict.event_count, 9u);  // started, thinking, 3 pairs, completed
}

class AuthenticatedGoldenPathTest : public fixtures::AgentServerDoubleTest {
  protected:
    AgentServerDoubleOptions server_options() override {
        AgentServerDoubleOptions options;
        options.tokens = {"tok-valid-123"};
        return options;
    }
};

TEST_F(AuthenticatedGoldenPathTest, ValidTokenFollowsTheGoldenPath) {
    auto options = journey_options();
    options.config.tokens = {Secret("tok-valid-123")};
    const auto result = RunGoldenPath(std::move(options));
    EXPECT_THAT(result, FollowsGoldenPath());
    const auto connections = server().connections();
    ASSERT_EQ(connections.size(), 1u);
    EXPECT_EQ(connections[0].header("Authorization"), "Bearer tok-valid-123");
}

TEST_F(AuthenticatedGoldenPathTest, InvalidTokenIsAuthRejectedAndNeverPrinted) {
    auto options = journey_options();
    options.config.tokens = {Secret("tok-wrong-456")};
    const auto result = RunGoldenPath(std::move(options));
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->kind, FailureKind::auth_rejected);
    EXPECT_THAT(result.to_string(), Not(HasSubstr("tok-wrong-456")));
    EXPECT_THAT(result.to_json().dump(), Not(HasSubstr("tok-wrong-456")));
}

}  // namespace
}  // namespace goldenpath
