// README example: MatchesGoldenTrace against a shipped trace.
// [readme:matches_golden_trace]
#include <filesystem>

#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/golden_trace.hpp"

using goldenpath::fixtures::GoldenTrace;
using goldenpath::fixtures::MatchesGoldenTrace;

// Linking goldenpath::fixtures defines GOLDENPATH_DATA_DIR, installed or not.
const std::filesystem::path kTraces = std::filesystem::path(GOLDENPATH_DATA_DIR) / "traces";

class RecordedRun : public goldenpath::fixtures::AgentServerDoubleTest {};

TEST_F(RecordedRun, SameEventsAsTheHappyPath) {
    const auto golden = GoldenTrace::read_jsonl(kTraces / "happy_path.jsonl");
    EXPECT_THAT(RunGoldenPath(), MatchesGoldenTrace(golden));
    // Failing, it says: ... whose normalised trace differs from the golden trace:
    //   event #2 tool_executing: /data/tool_name is "search", but "order_lookup" was expected
}
// [end]
