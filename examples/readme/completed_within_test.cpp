// README example: CompletedWithin.
// [readme:completed_within]
#include <chrono>

#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/event_matchers.hpp"

using goldenpath::fixtures::CompletedWithin;

class Latency : public goldenpath::fixtures::AgentServerDoubleTest {};

TEST_F(Latency, CompletesWithinHalfASecond) {
    EXPECT_THAT(RunGoldenPath(), CompletedWithin(std::chrono::milliseconds(500)));
    // Failing, it says: ... which completed in 812.3 ms  (or: which failed with timeout(...) ...)
}
// [end]
