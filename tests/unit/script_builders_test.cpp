#include "goldenpath/script.hpp"  // first: the header is self-contained

#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/config_error.hpp"
#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/in_memory_client.hpp"
#include "goldenpath/script_json.hpp"

namespace goldenpath {
namespace {

using fixtures::FailsWith;
using fixtures::FollowsGoldenPath;
using testing::ElementsAre;

// Every field of every step, so a difference shows which step and which field.
std::vector<std::string> describe(const Script& script) {
    std::vector<std::string> steps;
    for (const auto& step : script.steps()) {
        steps.push_back(std::to_string(static_cast<int>(step.kind)) + "|" + step.event.dump() +
                        "|" + step.text + "|" + std::to_string(step.close_code) + "|" +
                        std::to_string(step.delay.count()));
    }
    if (script.rejected_upgrade_status()) {
        steps.push_back("reject_upgrade " + std::to_string(*script.rejected_upgrade_status()));
    }
    return steps;
}

Script parse(const std::string& text) {
    return script_from_json(nlohmann::json::parse(text), default_profile());
}

struct BuilderCase {
    const char* name;
    Script built;
    std::string json;
};

// Every fault a JSON script knows, as a C++ one-liner and as JSON under the same name.
TEST(ScriptBuilders, EachBuilderGivesTheSameScriptAsItsJsonForm) {
    const Script golden = Script::golden_path();
    const std::vector<BuilderCase> cases = {
        {"close_before_event", Script(golden).close_before_event(3, 1011, "tool crashed"),
         R"({"faults": [{"close_before_event": [3, 1011, "tool crashed"]}]})"},
        {"close_before_event without reason", Script(golden).close_before_event(5, 4001),
         R"({"faults": [{"close_before_event": [5, 4001]}]})"},
        {"close_after", Script(golden).close_after(2, 1011, "bye"),
         R"({"faults": [{"close_after": [2, 1011, "bye"]}]})"},
        {"send_raw_before_event", Script(golden).send_raw_before_event(1, "{not json"),
         R"({"faults": [{"send_raw_before_event": [1, "{not json"]}]})"},
        {"send_raw_after", Script(golden).send_raw_after(4, "trailing"),
         R"({"faults": [{"send_raw_after": [4, "trailing"]}]})"},
        {"send_binary_before_event", Script(golden).send_binary_before_event(1, "\x01\x02"),
         R"({"faults": [{"send_binary_before_event": [1, "\u0001\u0002"]}]})"},
        {"send_binary_after", Script(golden).send_binary_after(0, "b"),
         R"({"faults": [{"send_binary_after": [0, "b"]}]})"},
        {"delay_before_event", Script(golden).delay_before_event(2, Milliseconds(100)),
         R"({"faults": [{"delay_before_event": [2, 100]}]})"},
        {"delay_after", Script(golden).delay_after(1, Milliseconds(0)),
         R"({"faults": [{"delay_after": [1, 0]}]})"},
        {"stall_before_event", Script(golden).stall_before_event(4),
         R"({"faults": [{"stall_before_event": 4}]})"},
        {"stall_after", Script(golden).stall_after(2), R"({"faults": [{"stall_after": 2}]})"},
        {"stall_after as an array", Script(golden).stall_after(2),
         R"({"faults": [{"stall_after": [2]}]})"},
        {"ping_before_event", Script(golden).ping_before_event(2, "keepalive"),
         R"({"faults": [{"ping_before_event": [2, "keepalive"]}]})"},
        {"ping_before_event without payload", Script(golden).ping_before_event(2),
         R"({"faults": [{"ping_before_event": 2}]})"},
        {"ping_after", Script(golden).ping_after(3, "p"),
         R"({"faults": [{"ping_after": [3, "p"]}]})"},
        {"reset_before_event", Script(golden).reset_before_event(3),
         R"({"faults": [{"reset_before_event": 3}]})"},
        {"reset_after", Script(golden).reset_after(4), R"({"faults": [{"reset_after": 4}]})"},
        {"drop", Script(golden).drop(2), R"({"faults": [{"drop": 2}]})"},
        {"duplicate", Script(golden).duplicate(1), R"({"faults": [{"duplicate": 1}]})"},
        {"swap", Script(golden).swap(2, 3), R"({"faults": [{"swap": [2, 3]}]})"},
        {"reject_upgrade", Script(golden).reject_upgrade(401),
         R"({"faults": [{"reject_upgrade": 401}]})"},
        // The older "at" forms are the same faults.
        {"at/close", Script(golden).close_before_event(3, 1011, "tool crashed"),
         R"({"faults": [{"at": 3, "close": {"code": 1011, "reason": "tool crashed"}}]})"},
        {"at/send_raw", Script(golden).send_raw_before_event(1, "{not json"),
         R"({"faults": [{"at": 1, "send_raw": "{not json"}]})"},
        {"at/send_binary", Script(golden).send_binary_before_event(1, "b"),
         R"({"faults": [{"at": 1, "send_binary": "b"}]})"},
        {"at/delay_ms", Script(golden).delay_before_event(2, Milliseconds(100)),
         R"({"faults": [{"at": 2, "delay_ms": 100}]})"},
        {"at/stall", Script(golden).stall_after(3), R"({"faults": [{"at": 4, "stall": true}]})"},
        {"at/ping", Script(golden).ping_before_event(2, "keepalive"),
         R"({"faults": [{"at": 2, "ping": "keepalive"}]})"},
        {"at/reset", Script(golden).reset_after(2), R"({"faults": [{"at": 3, "reset": true}]})"},
        // Combined, in the order JSON applies them: edits first, then faults.
        {"combined",
         Script(golden).swap(2, 3).drop(0).stall_before_event(0).close_after(3, 1011, "x"),
         R"({"faults": [{"close_after": [3, 1011, "x"]}, {"swap": [2, 3]}, {"drop": 0},
                        {"stall_before_event": 0}]})"},
    };
    for (const auto& [name, built, json] : cases) {
        const Script parsed = parse(json);
        EXPECT_EQ(describe(built), describe(parsed)) << name;
        EXPECT_TRUE(built == parsed) << name;
        EXPECT_FALSE(built == golden) << name << ": the builder changed nothing";
    }
}

// Today's closes once needed a positional ScriptStep; the builders read as what they do.
TEST(ScriptBuilders, BuildersPutTheStepWhereTheirNameSays) {
    const Script closed = Script::golden_path().close_before_event(3, 1011, "tool crashed");
    ASSERT_EQ(closed.steps().size(), 6u);
    EXPECT_EQ(closed.steps()[3].kind, ScriptStep::Kind::close);
    EXPECT_EQ(closed.steps()[3].close_code, 1011);
    EXPECT_EQ(closed.steps()[3].text, "tool crashed");
    const Script stalled = Script::golden_path().stall_after(2);
    EXPECT_EQ(stalled.steps()[3].kind, ScriptStep::Kind::stall);
    const Script at_end = Script::golden_path().close_before_event(5, 1000);
    EXPECT_EQ(at_end.steps().back().kind, ScriptStep::Kind::close);
    EXPECT_EQ(Script::golden_path().close_after(4, 1000), at_end);
}

std::string error_of(const std::function<void()>& build) {
    try {
        build();
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.id(), "goldenpath.script");
        return error.what();
    }
    return "no error";
}

TEST(ScriptBuilders, BadArgumentsAreConfigErrorsNamingTheArgumentAndValue) {
    Script script = Script::golden_path();
    EXPECT_EQ(error_of([&] { script.close_before_event(3, 99, "x"); }),
              "[goldenpath.script] (close_before_event: code) must be a close code 1000-4999, "
              "but is 99");
    EXPECT_EQ(error_of([&] { script.close_before_event(6, 1000); }),
              "[goldenpath.script] (close_before_event: event_index) must be an event index 0-5 "
              "(5: after the last), but is 6");
    EXPECT_EQ(error_of([&] { script.close_after(5, 1000); }),
              "[goldenpath.script] (close_after: event_index) must be an event index 0-4, but "
              "is 5");
    EXPECT_EQ(error_of([&] { script.close_after(1, 1000, std::string(124, 'r')); }),
              "[goldenpath.script] (close_after: reason) must be at most 123 bytes, but is 124 "
              "bytes");
    EXPECT_EQ(error_of([&] { script.ping_before_event(1, std::string(126, 'p')); }),
              "[goldenpath.script] (ping_before_event: payload) must be at most 125 bytes, but "
              "is 126 bytes");
    EXPECT_EQ(error_of([&] { script.delay_after(1, Milliseconds(600001)); }),
              "[goldenpath.script] (delay_after: duration) must be 0-600000 ms, but is 600001 "
              "ms");
    EXPECT_EQ(error_of([&] { script.delay_before_event(1, Milliseconds(-1)); }),
              "[goldenpath.script] (delay_before_event: duration) must be 0-600000 ms, but is -1 "
              "ms");
    EXPECT_EQ(error_of([&] { script.stall_after(9); }),
              "[goldenpath.script] (stall_after: event_index) must be an event index 0-4, but "
              "is 9");
    EXPECT_EQ(error_of([&] { script.swap(1, 7); }),
              "[goldenpath.script] (swap: second) must be an event index 0-4, but is 7");
    EXPECT_EQ(error_of([&] { script.drop(5); }),
              "[goldenpath.script] (drop: event_index) must be an event index 0-4, but is 5");
    EXPECT_EQ(error_of([&] { script.reject_upgrade(101); }),
              "[goldenpath.script] (reject_upgrade: status) must be an HTTP status 100-599 "
              "other than 101, but is 101");
    EXPECT_EQ(error_of([&] { Script().reset_after(0); }),
              "[goldenpath.script] (reset_after: event_index) must name one of the script's "
              "events (none are left), but is 0");
    EXPECT_EQ(script, Script::golden_path()) << "a rejected builder must leave the script as is";
}

TEST(ScriptBuilders, BadJsonArgumentsNameTheirPointer) {
    const auto field_of = [](const char* text) {
        try {
            (void)parse(text);
        } catch (const ConfigError& error) {
            return error.field() + " | " + error.what();
        }
        return std::string("no error");
    };
    EXPECT_EQ(field_of(R"({"faults": [{"close_before_event": [3, 99]}]})"),
              "/faults/0/close_before_event/1 | [goldenpath.script] "
              "(/faults/0/close_before_event/1) must be a close code 1000-4999, but is 99");
    EXPECT_EQ(field_of(R"({"faults": [{"close_before_event": 3}]})"),
              "/faults/0/close_before_event | [goldenpath.script] (/faults/0/close_before_event) "
              "must be [event_index, code, reason], but is 3");
    EXPECT_EQ(field_of(R"({"faults": [{"stall_after": 5}]})"),
              "/faults/0/stall_after | [goldenpath.script] (/faults/0/stall_after) must be an "
              "event index 0-4, but is 5");
    EXPECT_EQ(field_of(R"({"faults": [{"delay_after": [1, -3]}]})"),
              "/faults/0/delay_after/1 | [goldenpath.script] (/faults/0/delay_after/1) must be "
              "0-600000, but is -3");
    EXPECT_EQ(field_of(R"({"faults": [{"reject_upgrade": "401"}]})"),
              "/faults/0/reject_upgrade | [goldenpath.script] (/faults/0/reject_upgrade) must be "
              "an HTTP status 100-599 other than 101, but is \"401\"");
}

JourneyResult run_in_memory(Script script) {
    AgentServerDoubleOptions server;
    server.script = std::move(script);
    JourneyOptions options;
    options.config.url = Url::parse("ws://agents.in-memory:80/ws");
    options.config.timeouts.first_event = Milliseconds(200);
    options.config.timeouts.max_gap = Milliseconds(200);
    options.config.timeouts.completion = Milliseconds(1000);
    options.client_factory = [server = std::move(server)] {
        return std::make_unique<InMemoryClient>(server);
    };
    return GoldenPathJourney(std::move(options)).run();
}

// The one-liners drive the double as the issue's examples say.
TEST(ScriptBuilders, FaultsInOneLineReachTheClient) {
    EXPECT_THAT(run_in_memory(Script::golden_path().close_before_event(3, 1011, "tool crashed")),
                FailsWith(FailureKind::closed, "closed(1011)"));
    EXPECT_THAT(run_in_memory(Script::golden_path().stall_after(2)),
                FailsWith(FailureKind::stalled));
    EXPECT_THAT(run_in_memory(Script::golden_path().reject_upgrade(401)),
                FailsWith(FailureKind::auth_rejected));
    EXPECT_THAT(run_in_memory(Script::golden_path().reject_upgrade(503)),
                FailsWith(FailureKind::http_status, "http_status(503)"));
    EXPECT_THAT(run_in_memory(Script::golden_path().ping_after(1, "still here")),
                FollowsGoldenPath());
}

}  // namespace
}  // namespace goldenpath
