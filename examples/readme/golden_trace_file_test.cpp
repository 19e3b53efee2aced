// README example: a golden trace file, rewritten with GOLDENPATH_UPDATE_GOLDEN=1.
// [readme:golden_trace_file]
#include <filesystem>

#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/golden_trace_file.hpp"

using goldenpath::fixtures::MatchesGoldenTraceFile;
using goldenpath::fixtures::shipped_data_dir;

class GoldenFile : public goldenpath::fixtures::AgentServerDoubleTest {};

TEST_F(GoldenFile, SameEventsAsTheFile) {
    // Your own traces: an absolute path, e.g. from a compile definition naming your sources.
    // Here, a trace goldenpath ships: linking goldenpath::fixtures defines where they are.
    EXPECT_THAT(RunGoldenPath(),
                MatchesGoldenTraceFile(shipped_data_dir() / "traces" / "happy_path.jsonl"));
    // Failing, it prints the diff and "(to accept the new trace, run again with
    // GOLDENPATH_UPDATE_GOLDEN=1)"; so run, the file is rewritten, the test passes and prints
    // "[goldenpath] GOLDENPATH_UPDATE_GOLDEN=1: wrote .../happy_path.jsonl (5 events)".
}
// [end]
