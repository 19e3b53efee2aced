// README example: InMemoryClient, the same scripts without sockets and in virtual time.
// [readme:in_memory_client]
#include <memory>

#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/in_memory_client.hpp"

using namespace goldenpath;
using goldenpath::fixtures::FailsWith;

TEST(VirtualTime, AStallIsCaughtWithoutWaiting) {
    ScriptStep stall;
    stall.kind = ScriptStep::Kind::stall;
    AgentServerDoubleOptions server;
    server.script = Script::golden_path().insert_before_event(2, stall);

    JourneyOptions options;
    options.config.url = Url::parse("ws://agents.in-memory:80/ws");  // never resolved
    options.config.timeouts.max_gap = Milliseconds(300);
    options.client_factory = [server] { return std::make_unique<InMemoryClient>(server); };
    const auto started = Clock::now();
    EXPECT_THAT(GoldenPathJourney(options).run(), FailsWith(FailureKind::stalled));
    EXPECT_LT(elapsed_ms(started, Clock::now()), 100.0);  // 300 ms of virtual silence
}
// [end]
