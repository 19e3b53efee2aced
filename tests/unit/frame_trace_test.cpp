#include "goldenpath/fixtures/frame_trace.hpp"  // first: the header is self-contained

#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goldenpath/fixtures/temporary_directory.hpp"

namespace goldenpath::fixtures {
namespace {

using testing::AllOf;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::Not;
using testing::SizeIs;

std::vector<nlohmann::json> lines_of(const std::string& jsonl) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(jsonl);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(nlohmann::json::parse(line));
    }
    return lines;
}

TEST(FrameTraceTest, HeaderCarriesSchemaVersionTestAndRedactedUrl) {
    FrameTrace trace;
    trace.add_secret("tok-header-1");
    trace.set_url("ws://127.0.0.1:9/ws?tenant=acme&token=tok-header-1");
    trace.record(FrameDirection::out, FrameOpcode::text, "{}");
    EXPECT_EQ(trace.header("Suite.Test"),
              (nlohmann::json{{"schema_version", 1},
                              {"kind", "goldenpath.frame_trace"},
                              {"test", "Suite.Test"},
                              {"url", "ws://127.0.0.1:9/ws?tenant=acme&token=***"},
                              {"frames", 1}}));
}

TEST(FrameTraceTest, OneJsonLinePerFrameAfterTheHeader) {
    FrameTrace trace;
    trace.record(FrameDirection::out, FrameOpcode::text, R"({"type":"user_message"})");
    trace.record(FrameDirection::in, FrameOpcode::binary, "\x01\x02");
    trace.record(FrameDirection::in, FrameOpcode::close, "server error", 1011);
    const auto lines = lines_of(trace.to_jsonl("Suite.Test"));
    ASSERT_THAT(lines, SizeIs(4));
    EXPECT_EQ(lines[0]["schema_version"], 1);
    EXPECT_EQ(lines[1]["direction"], "out");
    EXPECT_EQ(lines[1]["opcode"], "text");
    EXPECT_EQ(lines[1]["size"], 23);
    EXPECT_EQ(lines[1]["payload"], R"({"type":"user_message"})");
    EXPECT_FALSE(lines[1].contains("close_code"));
    EXPECT_EQ(lines[2]["opcode"], "binary");
    EXPECT_EQ(lines[2]["size"], 2);
    EXPECT_EQ(lines[3]["direction"], "in");
    EXPECT_EQ(lines[3]["opcode"], "close");
    EXPECT_EQ(lines[3]["close_code"], 1011);
    EXPECT_EQ(lines[3]["payload"], "server error");
    EXPECT_EQ(lines[3]["size"], 14);  // 2 bytes of code + the reason
    EXPECT_LE(lines[1]["offset_ms"].get<double>(), lines[3]["offset_ms"].get<double>());
}

TEST(FrameTraceTest, SecretsAreRedactedEvenWhenAddedAfterTheFrame) {
    FrameTrace trace;
    trace.record(FrameDirection::in, FrameOpcode::text, R"({"echo":"tok-late-2"})");
    trace.add_secret("tok-early-1");
    trace.record(FrameDirection::out, FrameOpcode::text, "Bearer tok-early-1");
    trace.add_secret("tok-late-2");
    const std::string jsonl = trace.to_jsonl("Suite.Test");
    EXPECT_THAT(jsonl, AllOf(Not(HasSubstr("tok-late-2")), Not(HasSubstr("tok-early-1")),
                             HasSubstr(R"(\"echo\":\"***\")"), HasSubstr("Bearer ***")));
    EXPECT_EQ(trace.frames()[1].size, 18u);  // the size on the wire, before redaction
}

TEST(FrameTraceTest, WriteJsonlToAnUnwritablePathNamesThePath) {
    TemporaryDirectory directory;
    FrameTrace trace;
    const auto path = directory.path() / "missing-folder" / "x.frames.jsonl";
    try {
        trace.write_jsonl(path, "Suite.Test");
        FAIL() << "expected std::runtime_error for " << path;
    } catch (const std::runtime_error& error) {
        EXPECT_THAT(error.what(),
                    AllOf(HasSubstr("[goldenpath.frame_trace]"), HasSubstr(path.string())));
    }
}

TEST(FrameTraceTest, WriteJsonlWritesWhatToJsonlReturns) {
    TemporaryDirectory directory;
    FrameTrace trace;
    trace.record(FrameDirection::in, FrameOpcode::text, "{}");
    const auto path = directory.path() / "t.frames.jsonl";
    trace.write_jsonl(path, "Suite.Test");
    std::ifstream in(path);
    const std::string written((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    EXPECT_EQ(written, trace.to_jsonl("Suite.Test"));
}

}  // namespace
}  // namespace goldenpath::fixtures
