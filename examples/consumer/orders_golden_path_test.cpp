// The golden path of the orders agent, against goldenpath's in-process server double.
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/golden_trace_file.hpp"
#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/fixtures/temporary_directory.hpp"
#include "goldenpath/script_json.hpp"

namespace {

using goldenpath::FailureKind;
using goldenpath::Script;
using goldenpath::fixtures::FailsWith;
using goldenpath::fixtures::FollowsGoldenPath;

// One double per test, answering with the orders agent's events.
class OrdersGoldenPathTest : public goldenpath::fixtures::AgentServerDoubleTest {
  protected:
    goldenpath::AgentServerDoubleOptions server_options() override {
        goldenpath::AgentServerDoubleOptions options;
        options.script =
            Script()
                .event({{"type", "agent_started"}, {"agent_name", "orders_agent"}})
                .event({{"type", "agent_thinking"}, {"data", {{"reasoning", "Find the order"}}}})
                .event({{"type", "tool_executing"},
                        {"data", {{"tool_name", "orders_db"}, {"tool_call_id", "q1"}}}})
                .event({{"type", "tool_completed"},
                        {"data",
                         {{"tool_name", "orders_db"},
                          {"tool_call_id", "q1"},
                          {"results", {{"status", "shipped"}}}}}})
                .event({{"type", "agent_completed"},
                        {"data", {{"final_response", "Order 42 has shipped."}}}});
        options.tokens = {"orders-test-token"};
        return options;
    }

    goldenpath::JourneyOptions journey_options() override {
        auto options = AgentServerDoubleTest::journey_options();
        options.config.tokens = {goldenpath::Secret("orders-test-token")};
        options.message = "Where is order 42?";
        return options;
    }
};

TEST_F(OrdersGoldenPathTest, FiveEventsInOrder) {
    EXPECT_THAT(RunGoldenPath(), FollowsGoldenPath());
}

TEST_F(OrdersGoldenPathTest, ServerSawTheTokenAndTheQuestion) {
    ASSERT_THAT(RunGoldenPath(), FollowsGoldenPath());
    const auto connections = server().connections();
    ASSERT_EQ(connections.size(), 1u);
    EXPECT_EQ(connections[0].header("Authorization"), "Bearer orders-test-token");
    ASSERT_FALSE(connections[0].received.empty());
    EXPECT_THAT(connections[0].received[0], testing::HasSubstr("Where is order 42?"));
}

TEST_F(OrdersGoldenPathTest, ToolCrashMidRunIsClosed1011) {
    auto options = server_options();
    options.script.close_before_event(3, 1011, "db down");
    RestartServer(std::move(options));
    EXPECT_THAT(RunGoldenPath(), FailsWith(FailureKind::closed, "closed(1011)"));
}

TEST_F(OrdersGoldenPathTest, ShippedProfilesAreInstalled) {
    // No definition of our own: linking goldenpath::fixtures defines GOLDENPATH_DATA_DIR.
    const auto profile = goldenpath::load_profile(std::string(GOLDENPATH_DATA_DIR) +
                                                  "/profiles/chat-message-root.json");
    EXPECT_EQ(profile.start_type, "chat_message");
    EXPECT_TRUE(std::filesystem::is_regular_file(goldenpath::fixtures::shipped_data_dir() /
                                                 "traces" / "happy_path.jsonl"));
}

// Our own golden trace, next to the sources: GOLDENPATH_UPDATE_GOLDEN=1 rewrites it.
TEST_F(OrdersGoldenPathTest, SameEventsAsOurGoldenTrace) {
    EXPECT_THAT(RunGoldenPath(), goldenpath::fixtures::MatchesGoldenTraceFile(
                                     std::string(ORDERS_TRACES_DIR) + "/orders.jsonl"));
}

TEST_F(OrdersGoldenPathTest, ServerScriptFromAFile) {
    goldenpath::fixtures::TemporaryDirectory directory;
    const auto path =
        directory.write_file("script.json", R"({"faults": [{"at": 0, "send_raw": "{oops"}]})");
    auto options = server_options();
    options.script = goldenpath::load_script(path, options.profile);
    RestartServer(std::move(options));
    EXPECT_THAT(RunGoldenPath(), FailsWith(FailureKind::malformed_frame));
}

}  // namespace
