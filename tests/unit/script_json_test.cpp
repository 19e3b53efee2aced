#include "goldenpath/script_json.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/config_error.hpp"

namespace goldenpath {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;

std::vector<std::string> describe(const Script& script) {
    std::vector<std::string> steps;
    for (const auto& step : script.steps()) {
        switch (step.kind) {
            case ScriptStep::Kind::event:
                steps.push_back(step.event["type"].get<std::string>());
                break;
            case ScriptStep::Kind::send_raw:
                steps.push_back("raw:" + step.text);
                break;
            case ScriptStep::Kind::close:
                steps.push_back("close:" + std::to_string(step.close_code));
                break;
            case ScriptStep::Kind::delay:
                steps.push_back("delay:" + std::to_string(step.delay.count()));
                break;
            case ScriptStep::Kind::stall:
                steps.push_back("stall");
                break;
            case ScriptStep::Kind::ping:
                steps.push_back("ping:" + step.text);
                break;
            case ScriptStep::Kind::reset:
                steps.push_back("reset");
                break;
            case ScriptStep::Kind::send_binary:
                steps.push_back("binary:" + step.text);
                break;
        }
    }
    return steps;
}

Script parse(const char* text) {
    return script_from_json(nlohmann::json::parse(text), default_profile());
}

TEST(ScriptJsonTest, NoEventsMeansTheGoldenPath) {
    EXPECT_THAT(describe(parse("{}")),
                ElementsAre("agent_started", "agent_thinking", "tool_executing", "tool_completed",
                            "agent_completed"));
}

TEST(ScriptJsonTest, IndexedFaultsActBeforeTheirEventInWrittenOrder) {
    const auto script = parse(R"({"faults": [
        {"at": 3, "close": {"code": 1011, "reason": "tool crashed"}},
        {"at": 1, "send_raw": "{not json"},
        {"at": 1, "delay_ms": 5},
        {"at": 5, "stall": true}]})");
    EXPECT_THAT(describe(script), ElementsAre("agent_started", "raw:{not json", "delay:5",
                                              "agent_thinking", "tool_executing", "close:1011",
                                              "tool_completed", "agent_completed", "stall"));
    EXPECT_EQ(script.steps()[5].text, "tool crashed");
}

TEST(ScriptJsonTest, EditsApplyBeforeIndexedFaults) {
    const auto script =
        parse(R"({"faults": [{"swap": [2, 3]}, {"drop": 0}, {"at": 0, "stall": true}]})");
    EXPECT_THAT(describe(script), ElementsAre("stall", "agent_thinking", "tool_completed",
                                              "tool_executing", "agent_completed"));
}

TEST(ScriptJsonTest, PingResetAndBinaryFaults) {
    const auto script = parse(R"({"faults": [
        {"at": 1, "ping": "keepalive"},
        {"at": 2, "send_binary": "bytes"},
        {"at": 3, "reset": true}]})");
    EXPECT_THAT(describe(script),
                ElementsAre("agent_started", "ping:keepalive", "agent_thinking", "binary:bytes",
                            "tool_executing", "reset", "tool_completed", "agent_completed"));
}

TEST(ScriptJsonTest, BadPingResetAndBinaryFaultsNameFieldAndValue) {
    const auto error_of = [](const char* text) -> std::string {
        try {
            parse(text);
        } catch (const ConfigError& error) {
            return error.field() + " | " + error.what();
        }
        return "no error";
    };
    const std::string long_ping =
        R"({"faults": [{"at": 1, "ping": ")" + std::string(126, 'p') + R"("}]})";
    EXPECT_THAT(error_of(long_ping.c_str()), HasSubstr("/faults/0/ping"));
    EXPECT_THAT(error_of(long_ping.c_str()), HasSubstr("at most 125 bytes"));
    EXPECT_THAT(error_of(R"({"faults": [{"at": 1, "ping": 7}]})"), HasSubstr("/faults/0/ping"));
    EXPECT_THAT(error_of(R"({"faults": [{"at": 1, "reset": false}]})"),
                HasSubstr("/faults/0/reset"));
    EXPECT_THAT(error_of(R"({"faults": [{"at": 1, "reset": false}]})"), HasSubstr("false"));
    EXPECT_THAT(error_of(R"({"faults": [{"at": 1, "stall": "yes"}]})"),
                HasSubstr("/faults/0/stall"));
    EXPECT_THAT(error_of(R"({"faults": [{"at": 1, "send_binary": [1]}]})"),
                HasSubstr("/faults/0/send_binary"));
    EXPECT_THAT(error_of(R"({"faults": [{"at": 1, "explode": true}]})"),
                HasSubstr("ping, stall, reset"));
}

TEST(ScriptJsonTest, ExplicitEvents) {
    const auto script = parse(R"({"events": [{"type": "agent_started", "agent_name": "x"}]})");
    EXPECT_THAT(describe(script), ElementsAre("agent_started"));
}

TEST(ScriptJsonTest, ErrorsNameTheJsonPointer) {
    const auto field_of = [](const char* text) {
        try {
            parse(text);
        } catch (const ConfigError& error) {
            EXPECT_EQ(error.id(), "goldenpath.script");
            return error.field();
        }
        return std::string("no error");
    };
    EXPECT_EQ(field_of(R"({"faults": [{"at": 1, "close": {"code": 99}}]})"),
              "/faults/0/close/code");
    EXPECT_EQ(field_of(R"({"faults": [{"at": 9, "stall": true}]})"), "/faults/0/at");
    EXPECT_EQ(field_of(R"({"faults": [{"drop": 7}]})"), "/faults/0/drop");
    EXPECT_EQ(field_of(R"({"faults": [{"at": 1, "explode": true}]})"), "/faults/0");
    EXPECT_EQ(field_of(R"({"events": [{"no_type": 1}]})"), "/events/0");
    EXPECT_EQ(field_of(R"({"evnts": []})"), "/evnts");
}

TEST(ScriptJsonTest, MissingFileIsAConfigErrorNamingThePath) {
    try {
        load_script("/nonexistent/goldenpath/script.json", default_profile());
        FAIL() << "no error";
    } catch (const ConfigError& error) {
        EXPECT_THAT(error.what(), HasSubstr("/nonexistent/goldenpath/script.json"));
    }
}

// Issue 13 item 7: dropping every event once threw std::out_of_range out of goldenpath-server.
TEST(ScriptJsonTest, EditingWhenNoEventIsLeftIsAConfigErrorNamingTheFault) {
    for (const char* text :
         {R"({"faults": [{"drop": 0}, {"drop": 0}, {"drop": 0}, {"drop": 0}, {"drop": 0},
                         {"drop": 0}]})",
          R"({"events": [], "faults": [{"duplicate": 0}]})",
          R"({"events": [], "faults": [{"swap": [0, 0]}]})"}) {
        try {
            (void)parse(text);
            FAIL() << "no ConfigError for " << text;
        } catch (const ConfigError& error) {
            EXPECT_THAT(error.what(), HasSubstr("none are left")) << text;
        }
    }
    EXPECT_EQ(parse(R"({"faults": [{"drop": 0}, {"drop": 0}, {"drop": 0}, {"drop": 0},
                                   {"drop": 0}]})")
                  .event_count(),
              0U);
}

TEST(ScriptJsonTest, CloseReasonThatIsNoStringIsAConfigError) {
    try {
        (void)parse(R"({"faults": [{"at": 0, "close": {"code": 1000, "reason": 5}}]})");
        FAIL() << "no ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.field(), "/faults/0/close/reason");
    }
}

}  // namespace
}  // namespace goldenpath
