// AgentServerDouble and InMemoryClient run scripts with one runner (lib/src/script_runner.hpp):
// for the same script a client sees the same frames and the same end from both.
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/beast_client.hpp"
#include "goldenpath/in_memory_client.hpp"
#include "goldenpath/script.hpp"

namespace goldenpath {
namespace {

using namespace std::chrono_literals;

struct ParityCase {
    std::string name;
    Script script;
};

void PrintTo(const ParityCase& parity, std::ostream* out) {
    *out << parity.name;
}

// What the client saw, one line per receive(): "text <json>", "binary <bytes>",
// "closed <code> <reason>" (a reset: "closed 1006", its reason is the OS's) or "timeout".
std::vector<std::string> observe(WebSocketClient& client, const std::string& url) {
    ConnectRequest request;
    request.url = Url::parse(url);
    std::vector<std::string> seen;
    if (const auto failure = client.connect(request)) {
        seen.push_back("connect failed: " + failure->detail);
        return seen;
    }
    if (const auto failure = client.send_text(default_profile().start_message("hi", "t", "r"))) {
        seen.push_back("send failed: " + failure->detail);
        return seen;
    }
    // Bounded: every script below ends in a close, a reset or a stall within a few frames.
    for (int i = 0; i < 20; ++i) {
        const ReceiveResult result = client.receive(Clock::now() + 150ms);
        if (result.status == ReceiveResult::Status::frame) {
            seen.push_back((result.frame.binary ? "binary " : "text ") + result.frame.text);
            continue;
        }
        if (result.status == ReceiveResult::Status::closed) {
            seen.push_back("closed " + std::to_string(result.close.code) +
                           (result.close.code == 1006 ? "" : " " + result.close.reason));
        } else if (result.status == ReceiveResult::Status::timeout) {
            seen.push_back("timeout");
        } else {
            seen.push_back("error " + result.failure.kind_label());
        }
        break;
    }
    (void)client.close(1000, "done", Clock::now() + 200ms);
    return seen;
}

class ScriptRunnerParityTest : public testing::TestWithParam<ParityCase> {};

TEST_P(ScriptRunnerParityTest, BothDoublesSendTheSameFramesAndEnd) {
    AgentServerDoubleOptions options;
    options.script = GetParam().script;

    InMemoryClient in_memory(options);
    const auto expected = observe(in_memory, "ws://127.0.0.1:1/ws");

    AgentServerDouble server(options);
    BeastClient client;
    const auto seen = observe(client, server.url());

    ASSERT_GE(expected.size(), 2U) << "the script should send connection_established and more";
    EXPECT_EQ(seen, expected);
}

INSTANTIATE_TEST_SUITE_P(
    Scripts, ScriptRunnerParityTest,
    testing::Values(
        ParityCase{"golden_path_then_close", Script::golden_path().close(1000, "bye")},
        ParityCase{
            "raw_binary_and_ping",
            Script().send_raw("not json").ping("p").send_binary("\x01\x02").close(4001, "custom")},
        ParityCase{"delay_between_frames",
                   Script().send_raw("a").delay(20ms).send_raw("b").close(1000, "after delay")},
        ParityCase{"reset_after_a_frame", Script().send_raw("last").reset()},
        ParityCase{"stall_after_a_frame", Script().send_raw("first").stall().send_raw("never")},
        ParityCase{"close_ends_the_run", Script().close(1011, "boom").send_raw("never")}),
    [](const testing::TestParamInfo<ParityCase>& parity) { return parity.param.name; });

}  // namespace
}  // namespace goldenpath
