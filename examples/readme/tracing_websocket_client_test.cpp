// README example: TracingWebSocketClient and FrameTraceOnFailure.
// [readme:tracing_websocket_client]
#include <memory>

#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/frame_trace_on_failure.hpp"
#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/fixtures/tracing_websocket_client.hpp"

using namespace goldenpath::fixtures;

class Traced : public AgentServerDoubleTest {};

TEST_F(Traced, DumpsItsFramesOnlyWhenItFails) {
    auto trace = std::make_shared<FrameTrace>();
    // If this test fails, <dir>/Traced.DumpsItsFramesOnlyWhenItFails.frames.jsonl is written.
    FrameTraceOnFailure dump_on_failure(trace);
    auto options = journey_options();
    options.client_factory = tracing_client_factory(trace);  // BeastClients that record
    EXPECT_THAT(RunGoldenPath(options), FollowsGoldenPath());
    EXPECT_GE(trace->frames().size(), 7u);  // ready, start message, five events, close
}
// [end]
