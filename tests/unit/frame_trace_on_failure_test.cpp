#include "goldenpath/fixtures/frame_trace_on_failure.hpp"  // first: self-contained

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goldenpath/fixtures/fake_environment.hpp"
#include "goldenpath/fixtures/temporary_directory.hpp"
#include "goldenpath/fixtures/tracing_websocket_client.hpp"
#include "goldenpath/in_memory_client.hpp"

namespace goldenpath::fixtures {
namespace {

namespace fs = std::filesystem;
using testing::AllOf;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::Not;

constexpr const char* kToken = "tok-on-failure-77";
constexpr const char* kFailingChild = "FrameTraceOnFailureChild.DISABLED_FailsAfterTracingAToken";
constexpr const char* kPassingChild = "FrameTraceOnFailureChild.DISABLED_PassesAfterTracing";

std::string read_file(const fs::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> files_in(const fs::path& directory) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(directory)) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

// A short journey-like exchange over a traced in-memory connection whose frames carry the token.
void trace_a_token_exchange(const std::shared_ptr<FrameTrace>& trace) {
    AgentServerDoubleOptions server;
    server.tokens = {kToken};
    InMemoryClient connection(server);
    TracingWebSocketClient client(connection, trace);
    ConnectRequest request;
    request.url = Url::parse("ws://127.0.0.1:1/ws");
    request.headers = {{"Authorization", std::string("Bearer ") + kToken}};
    request.secrets = {kToken};
    ASSERT_EQ(client.connect(request), std::nullopt);
    ASSERT_EQ(client.send_text(std::string("token ") + kToken), std::nullopt);
    client.close(1000, "done", Clock::now() + Milliseconds(100));
}

// Runs one of the disabled child tests below in a new process of this binary, from `directory`,
// with its output in `directory`/child.log; returns the exit status.
int run_child(const char* test, const fs::path& directory, const std::string& flags,
              const std::string& environment) {
    const fs::path self = fs::read_symlink("/proc/self/exe");
    const std::string command =
        "cd '" + directory.string() +
        "' && env -u GTEST_OUTPUT -u GTEST_FILTER -u GTEST_REPEAT -u GTEST_BREAK_ON_FAILURE "
        "-u GTEST_THROW_ON_FAILURE -u GOLDENPATH_TRACE_DIR " +
        environment + " '" + self.string() +
        "' --gtest_also_run_disabled_tests --gtest_filter=" + test + " " + flags +
        " > child.log 2>&1";
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(FrameTraceDirectoryTest, TheXmlReportsDirectoryComesFirst) {
    const auto environment = FakeEnvironment({{"GOLDENPATH_TRACE_DIR", "/traces"}});
    EXPECT_EQ(frame_trace_directory("xml:out/report.xml", environment), fs::path("out"));
    EXPECT_EQ(frame_trace_directory("xml:/ci/reports/", environment), fs::path("/ci/reports/"));
    EXPECT_EQ(frame_trace_directory("json:report.json", environment), fs::path("."));
    EXPECT_EQ(frame_trace_directory("xml", environment), fs::path("."));
}

TEST(FrameTraceDirectoryTest, ThenGoldenpathTraceDirThenTheCurrentDirectory) {
    EXPECT_EQ(frame_trace_directory("", FakeEnvironment({{"GOLDENPATH_TRACE_DIR", "/traces"}})),
              fs::path("/traces"));
    EXPECT_EQ(frame_trace_directory("", FakeEnvironment({{"GOLDENPATH_TRACE_DIR", ""}})),
              fs::path("."));
    EXPECT_EQ(frame_trace_directory("", FakeEnvironment({})), fs::path("."));
}

TEST(FrameTraceDirectoryTest, FileNameIsSuiteDotTestWithoutSlashes) {
    EXPECT_EQ(frame_trace_file_name("Orders", "GoldenPath"), "Orders.GoldenPath.frames.jsonl");
    EXPECT_EQ(frame_trace_file_name("Users/OrdersTest", "Runs/3"),
              "Users_OrdersTest.Runs_3.frames.jsonl");
}

TEST(FrameTraceOnFailureTest, APassingTestWritesNothing) {
    TemporaryDirectory directory;
    const std::string saved = testing::GTEST_FLAG(output);
    testing::GTEST_FLAG(output) = "xml:" + (directory.path() / "report.xml").string();
    {
        auto trace = std::make_shared<FrameTrace>();
        trace_a_token_exchange(trace);
        FrameTraceOnFailure dump(trace);
        EXPECT_EQ(dump.write_if_failed(), std::nullopt);
    }
    testing::GTEST_FLAG(output) = saved;
    EXPECT_THAT(files_in(directory.path()), ElementsAre());
}

TEST(FrameTraceOnFailureTest, AFailedTestWritesTheTraceNextToTheXmlReport) {
    TemporaryDirectory directory;
    const fs::path report = directory.path() / "report.xml";
    ASSERT_EQ(
        run_child(kFailingChild, directory.path(), "--gtest_output=xml:" + report.string(), ""), 1)
        << read_file(directory.path() / "child.log");

    const fs::path dump = directory.path() / (std::string(kFailingChild) + ".frames.jsonl");
    ASSERT_TRUE(fs::exists(dump)) << "missing " << dump << "; child output:\n"
                                  << read_file(directory.path() / "child.log");
    const std::string jsonl = read_file(dump);
    EXPECT_THAT(jsonl, Not(HasSubstr(kToken)));
    const auto header = nlohmann::json::parse(jsonl.substr(0, jsonl.find('\n')));
    EXPECT_EQ(header["schema_version"], 1);
    EXPECT_EQ(header["test"], kFailingChild);
    EXPECT_EQ(header["frames"], 3);  // our text frame, our close, nothing drained
    EXPECT_THAT(jsonl, AllOf(HasSubstr("token ***"), HasSubstr(R"("opcode":"close")")));
    EXPECT_THAT(read_file(report), HasSubstr("<property name=\"goldenpath.frame_trace\" value=\"" +
                                             dump.string() + "\""));
    EXPECT_THAT(read_file(directory.path() / "child.log"), Not(HasSubstr(kToken)));
}

TEST(FrameTraceOnFailureTest, WithoutXmlOutputTheTraceGoesToGoldenpathTraceDir) {
    TemporaryDirectory directory;
    TemporaryDirectory traces;
    ASSERT_EQ(run_child(kFailingChild, directory.path(), "",
                        "GOLDENPATH_TRACE_DIR='" + traces.path().string() + "'"),
              1)
        << read_file(directory.path() / "child.log");
    EXPECT_THAT(files_in(traces.path()), ElementsAre(std::string(kFailingChild) + ".frames.jsonl"));
    EXPECT_THAT(files_in(directory.path()), ElementsAre("child.log"));
}

TEST(FrameTraceOnFailureTest, APassingChildWritesNothingAnywhere) {
    TemporaryDirectory directory;
    const fs::path report = directory.path() / "report.xml";
    ASSERT_EQ(
        run_child(kPassingChild, directory.path(), "--gtest_output=xml:" + report.string(), ""), 0)
        << read_file(directory.path() / "child.log");
    EXPECT_THAT(files_in(directory.path()), ElementsAre("child.log", "report.xml"));
    EXPECT_THAT(read_file(report), Not(HasSubstr("goldenpath.frame_trace")));
}

// Run only by the tests above, in a child process (they are disabled here).
TEST(FrameTraceOnFailureChild, DISABLED_FailsAfterTracingAToken) {
    auto trace = std::make_shared<FrameTrace>();
    FrameTraceOnFailure dump(trace);
    trace_a_token_exchange(trace);
    ADD_FAILURE() << "deliberate failure, so that the trace is written";
}

TEST(FrameTraceOnFailureChild, DISABLED_PassesAfterTracing) {
    auto trace = std::make_shared<FrameTrace>();
    FrameTraceOnFailure dump(trace);
    trace_a_token_exchange(trace);
}

}  // namespace
}  // namespace goldenpath::fixtures
