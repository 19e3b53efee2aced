// MatchesGoldenTraceFile: golden traces kept in files, compared like snapshots and rewritten
// with GOLDENPATH_UPDATE_GOLDEN=1.
#include "goldenpath/fixtures/golden_trace_file.hpp"  // first: the header is self-contained

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "explain.hpp"
#include "goldenpath/fixtures/fake_environment.hpp"
#include "goldenpath/fixtures/temporary_directory.hpp"

namespace goldenpath {
namespace {

using fixtures::FakeEnvironment;
using fixtures::GoldenTrace;
using fixtures::GoldenTraceFileOptions;
using fixtures::MatchesGoldenTraceFile;
using fixtures::TemporaryDirectory;
using test::explain;
using testing::HasSubstr;
using testing::Not;

JourneyResult journey_of(const Script& script, std::string_view run_id = "run-abc") {
    JourneyResult result;
    result.frames.push_back(R"({"type":"connection_established","data":{"connection_id":"c"}})");
    for (const auto& step : script.steps()) {
        nlohmann::json event = step.event;
        event["run_id"] = run_id;
        event["thread_id"] = "thread-xyz";
        result.frames.push_back(event.dump());
    }
    return result;
}

GoldenTraceFileOptions with_environment(fixtures::EnvironmentVariables variables) {
    GoldenTraceFileOptions options;
    options.environment = FakeEnvironment(std::move(variables));
    return options;
}

const GoldenTraceFileOptions kCompare = with_environment({});
const GoldenTraceFileOptions kUpdate = with_environment({{"GOLDENPATH_UPDATE_GOLDEN", "1"}});

std::string contents(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

TEST(MatchesGoldenTraceFileTest, AnEqualTracePassesAndIsDescribedByItsPath) {
    TemporaryDirectory directory;
    const auto path = directory.path() / "golden.jsonl";
    GoldenTrace::from_script(Script::golden_path()).normalised().write_jsonl(path);
    EXPECT_THAT(journey_of(Script::golden_path()), MatchesGoldenTraceFile(path, kCompare));
    EXPECT_EQ(testing::DescribeMatcher<JourneyResult>(MatchesGoldenTraceFile(path, kCompare)),
              "matches the golden trace file " + path.string());
}

TEST(MatchesGoldenTraceFileTest, ADifferenceFailsWithTheDiffAndHowToAcceptIt) {
    TemporaryDirectory directory;
    const auto path = directory.path() / "golden.jsonl";
    GoldenTrace::from_script(Script::golden_path()).write_jsonl(path);
    const auto result = journey_of(Script::golden_path().drop(4));
    EXPECT_THAT(result, Not(MatchesGoldenTraceFile(path, kCompare)));
    EXPECT_EQ(explain(MatchesGoldenTraceFile(path, kCompare), result),
              "whose normalised trace differs from " + path.string() +
                  ":\nmissing event #4 agent_completed: {\"data\":{\"final_response\":\"Your "
                  "order has shipped.\"},\"run_id\":\"<run_id>\",\"thread_id\":\"<thread_id>\","
                  "\"type\":\"agent_completed\"}\n(to accept the new trace, run again with "
                  "GOLDENPATH_UPDATE_GOLDEN=1)");
    EXPECT_NONFATAL_FAILURE(EXPECT_THAT(result, MatchesGoldenTraceFile(path, kCompare)),
                            "missing event #4 agent_completed");
}

TEST(MatchesGoldenTraceFileTest, AMissingFileFailsSayingHowToWriteIt) {
    TemporaryDirectory directory;
    const auto path = directory.path() / "none.jsonl";
    EXPECT_EQ(explain(MatchesGoldenTraceFile(path, kCompare), journey_of(Script::golden_path())),
              "which has no golden trace yet: " + path.string() +
                  " does not exist\n(to write it, run again with GOLDENPATH_UPDATE_GOLDEN=1)");
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(MatchesGoldenTraceFileTest, UpdateRewritesTheFileAndSaysSo) {
    TemporaryDirectory directory;
    const auto path = directory.path() / "traces" / "orders.jsonl";
    const auto result = journey_of(Script::with_tools(2));

    testing::internal::CaptureStdout();
    EXPECT_THAT(result, MatchesGoldenTraceFile(path, kUpdate));  // creates traces/ as well
    const std::string printed = testing::internal::GetCapturedStdout();
    EXPECT_EQ(printed,
              "[goldenpath] GOLDENPATH_UPDATE_GOLDEN=1: wrote " + path.string() + " (7 events)\n");
    EXPECT_EQ(GoldenTrace::read_jsonl(path),
              GoldenTrace::from_script(Script::with_tools(2)).normalised());
    // Now it is the golden trace: compared normally, the same run passes, another fails.
    EXPECT_THAT(result, MatchesGoldenTraceFile(path, kCompare));
    EXPECT_THAT(journey_of(Script::golden_path()), Not(MatchesGoldenTraceFile(path, kCompare)));

    // A changed run rewrites it again; an equal one leaves it alone.
    const std::string before = contents(path);
    EXPECT_EQ(explain(MatchesGoldenTraceFile(path, kUpdate), result),
              "whose normalised trace equals " + path.string() +
                  " (GOLDENPATH_UPDATE_GOLDEN=1: left unchanged)");
    EXPECT_EQ(contents(path), before);
    testing::internal::CaptureStdout();
    EXPECT_EQ(explain(MatchesGoldenTraceFile(path, kUpdate), journey_of(Script::golden_path())),
              "which was written to " + path.string() + " (GOLDENPATH_UPDATE_GOLDEN=1: wrote " +
                  path.string() + " (5 events))");
    EXPECT_THAT(testing::internal::GetCapturedStdout(), HasSubstr("wrote " + path.string()));
    EXPECT_THAT(journey_of(Script::golden_path()), MatchesGoldenTraceFile(path, kCompare));
}

TEST(MatchesGoldenTraceFileTest, OnlyTheValueOneUpdates) {
    TemporaryDirectory directory;
    const auto path = directory.path() / "golden.jsonl";
    for (const char* value : {"0", "", "yes"}) {
        EXPECT_THAT(journey_of(Script::golden_path()),
                    Not(MatchesGoldenTraceFile(
                        path, with_environment({{"GOLDENPATH_UPDATE_GOLDEN", value}}))))
            << value;
        EXPECT_FALSE(std::filesystem::exists(path)) << value;
    }
}

// The shipped traces are found through the GOLDENPATH_DATA_DIR that linking goldenpath::fixtures
// defines; installed packages define it as their share/goldenpath (examples/consumer checks it).
TEST(MatchesGoldenTraceFileTest, ShippedTracesAreFoundWithoutDefiningTheDataDir) {
    EXPECT_EQ(fixtures::shipped_data_dir(), std::filesystem::path(GOLDENPATH_DATA_DIR));
    EXPECT_THAT(journey_of(Script::golden_path()),
                MatchesGoldenTraceFile(fixtures::shipped_data_dir() / "traces" / "happy_path.jsonl",
                                       kCompare));
}

}  // namespace
}  // namespace goldenpath
