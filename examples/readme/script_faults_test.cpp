// README example: faults in one line, the same names as in JSON scripts.
// [readme:script_faults]
#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/matchers.hpp"

using namespace goldenpath;
using namespace goldenpath::fixtures;

class OneLineFaults : public AgentServerDoubleTest {};

TEST_F(OneLineFaults, EachFaultIsOneCall) {
    AgentServerDoubleOptions options;
    // JSON: {"faults": [{"close_before_event": [3, 1011, "tool crashed"]}]}
    options.script = Script::golden_path().close_before_event(3, 1011, "tool crashed");
    RestartServer(options);
    EXPECT_THAT(RunGoldenPath(), FailsWith(FailureKind::closed, "closed(1011)"));

    options.script = Script::golden_path().swap(2, 3);  // JSON: {"swap": [2, 3]}
    RestartServer(options);
    EXPECT_THAT(RunGoldenPath(), FailsWith(FailureKind::protocol_violation));

    options.script = Script::golden_path().reject_upgrade(503);  // JSON: {"reject_upgrade": 503}
    RestartServer(options);
    EXPECT_THAT(RunGoldenPath(), FailsWith(FailureKind::http_status, "http_status(503)"));
}
// [end]
