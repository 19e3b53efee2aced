// README example: EventsInOrder on a std::vector<Event>.
// [readme:events_in_order]
#include <vector>

#include "goldenpath/event.hpp"
#include "goldenpath/fixtures/event_matchers.hpp"

using goldenpath::Event;
using goldenpath::make_event;
using goldenpath::fixtures::EventsInOrder;
using testing::Not;

TEST(EventOrder, OtherEventsMayComeBetween) {
    const auto profile = goldenpath::default_profile();
    const std::vector<Event> events = {
        make_event({{"type", "agent_started"}, {"agent_name", "triage"}}, profile),
        make_event({{"type", "heartbeat"}}, profile),
        make_event({{"type", "agent_thinking"}, {"reasoning", "look it up"}}, profile),
        make_event({{"type", "tool_completed"}, {"tool_name", "search"}, {"result", "ok"}},
                   profile)};
    EXPECT_THAT(events, EventsInOrder({"agent_started", "agent_thinking", "tool_completed"}));
    EXPECT_THAT(events, Not(EventsInOrder({"tool_completed", "agent_started"})));
    // Reversed, the explanation says: ... whose events contain tool_completed at #2, but no
    //                                 agent_started after #2 (numbered as the timeline numbers
    //                                 them: the heartbeat is #-)
}
// [end]

// Keeps the explanation quoted above true.
TEST(EventOrder, ExplanationQuotedInTheReadme) {
    const auto profile = goldenpath::default_profile();
    const std::vector<Event> events = {
        make_event({{"type", "agent_started"}, {"agent_name", "triage"}}, profile),
        make_event({{"type", "heartbeat"}}, profile),
        make_event({{"type", "agent_thinking"}, {"reasoning", "look it up"}}, profile),
        make_event({{"type", "tool_completed"}, {"tool_name", "search"}, {"result", "ok"}},
                   profile)};
    testing::StringMatchResultListener listener;
    EXPECT_FALSE(testing::ExplainMatchResult(EventsInOrder({"tool_completed", "agent_started"}),
                                             events, &listener));
    EXPECT_EQ(listener.str(),
              "whose events contain tool_completed at #2, but no agent_started after #2");
}
