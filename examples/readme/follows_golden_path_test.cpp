// README example: FollowsGoldenPath with AgentServerDoubleTest. The text between the markers is
// what README.md shows, word for word (the readme_blocks_match test checks it).
// [readme:follows_golden_path]
#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/matchers.hpp"

class OrdersGoldenPath : public goldenpath::fixtures::AgentServerDoubleTest {};

TEST_F(OrdersGoldenPath, FiveEventsInOrder) {
    EXPECT_THAT(RunGoldenPath(), goldenpath::fixtures::FollowsGoldenPath());
}
// [end]

// README example: FollowsGoldenPath on the events a client of your own collected.
// [readme:follows_golden_path_list]
#include <vector>

#include "goldenpath/event.hpp"
#include "goldenpath/event_list_verdict.hpp"
#include "goldenpath/fixtures/matchers.hpp"

using goldenpath::Event;
using goldenpath::RunIds;
using goldenpath::fixtures::FollowsGoldenPath;

std::vector<Event> collected_by_my_client() {
    const auto profile = goldenpath::default_profile();
    const nlohmann::json ids = {{"thread_id", "thread-7"}, {"run_id", "run-7"}};
    std::vector<Event> events = {goldenpath::make_event(
        {{"type", "connection_established"}, {"data", {{"connection_id", "c-1"}}}}, profile)};
    for (nlohmann::json body : std::vector<nlohmann::json>{
             {{"type", "agent_started"}, {"agent_name", "triage"}},
             {{"type", "agent_thinking"}, {"reasoning", "look it up"}},
             {{"type", "tool_executing"}, {"tool_name", "search"}},
             {{"type", "tool_completed"}, {"tool_name", "search"}, {"result", "ok"}},
             {{"type", "agent_completed"}, {"final_response", "done"}}}) {
        body.update(ids);
        events.push_back(goldenpath::make_event(body, profile));
    }
    return events;
}

TEST(MyClient, CollectsTheGoldenPath) {
    // The ready frame is allowed; the run is the one the first agent_started names...
    EXPECT_THAT(collected_by_my_client(), FollowsGoldenPath());
    // ...or the one you started, and then events of any other run are foreign_event.
    EXPECT_THAT(collected_by_my_client(), FollowsGoldenPath(RunIds{"thread-7", "run-7"}));
}
// [end]
