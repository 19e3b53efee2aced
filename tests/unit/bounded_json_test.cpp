// Nesting depth is bounded, without recursion, for every JSON goldenpath reads (issue 13 item 6):
// 100 000 nested `[` once overflowed the stack in nlohmann's recursive copy and dump().
#include "goldenpath/bounded_json.hpp"  // first: the header is self-contained

#include <algorithm>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/config_error.hpp"
#include "goldenpath/event.hpp"
#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/fixtures/temporary_directory.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/in_memory_client.hpp"
#include "goldenpath/protocol_profile.hpp"
#include "goldenpath/script.hpp"
#include "goldenpath/script_json.hpp"

namespace goldenpath {
namespace {

using fixtures::TemporaryDirectory;
using testing::HasSubstr;

constexpr std::size_t kHostileDepth = 100'000;

std::string nested_arrays(std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}

// The nesting in tool_name, a field the timeline summary writes out (nlohmann's recursive dump).
std::string deep_tool_event(std::size_t depth) {
    return R"({"type":"tool_executing","data":{"tool_name":)" + nested_arrays(depth) + "}}";
}

TEST(BoundedJsonTest, NestingUpToTheLimitIsAccepted) {
    EXPECT_EQ(find_nesting_excess(nested_arrays(64), 64), std::nullopt);
    EXPECT_EQ(find_nesting_excess(R"({"a":[{"b":[1,2]}],"c":{}})", 4), std::nullopt);
    EXPECT_EQ(parse_bounded_json(nested_arrays(64), 64).size(), 1U);
}

TEST(BoundedJsonTest, OneLevelTooDeepNamesTheByteAndThePointer) {
    const auto excess = find_nesting_excess(R"({"a":[0,{"b/c~":[[1]]}]})", 4);
    ASSERT_TRUE(excess.has_value());
    EXPECT_EQ(excess->max_depth, 4U);
    EXPECT_EQ(excess->byte, 17U);
    EXPECT_EQ(excess->pointer, "/a/1/b~1c~0/0");
}

TEST(BoundedJsonTest, BracketsInsideStringsAndEscapesDoNotCount) {
    EXPECT_EQ(find_nesting_excess(R"(["[[[[{{{{", "\"[[[[", "\\", {"k\"[[[":"]]]]"}])", 2),
              std::nullopt);
    const auto excess = find_nesting_excess(R"({"k\"ey":[[1]]})", 2);
    ASSERT_TRUE(excess.has_value());
    EXPECT_EQ(excess->pointer, "/k\"ey/0");
}

TEST(BoundedJsonTest, HostileDepthIsRefusedBeforeParsing) {
    try {
        (void)parse_bounded_json(nested_arrays(kHostileDepth), kDefaultMaxJsonDepth);
        FAIL() << "no JsonTooDeep";
    } catch (const JsonTooDeep& error) {
        EXPECT_EQ(error.excess().byte, 64U);
        EXPECT_THAT(error.what(), HasSubstr("deeper than 64 levels at byte 64"));
    }
}

TEST(BoundedJsonTest, FrameNestedTooDeepIsAMalformedFrameNamingTheDepth) {
    const auto parsed =
        parse_event(deep_tool_event(kHostileDepth), default_profile(), Clock::now(), 0);
    ASSERT_TRUE(std::holds_alternative<EventParseError>(parsed));
    EXPECT_THAT(std::get<EventParseError>(parsed).reason,
                HasSubstr("JSON nests deeper than max_json_depth 64 at byte"));
}

TEST(BoundedJsonTest, ProfileSetsTheFrameDepth) {
    auto profile = profile_from_json(nlohmann::json{{"max_json_depth", 3}});
    EXPECT_EQ(profile.max_json_depth, 3U);
    EXPECT_TRUE(std::holds_alternative<Event>(
        parse_event(R"({"type":"x","a":[[1]]})", profile, Clock::now(), 0)));
    EXPECT_TRUE(std::holds_alternative<EventParseError>(
        parse_event(R"({"type":"x","a":[[[1]]]})", profile, Clock::now(), 0)));
    EXPECT_EQ(to_json(profile)["max_json_depth"], 3);
    for (const auto& bad : {nlohmann::json(0), nlohmann::json(1001), nlohmann::json("64")}) {
        EXPECT_THROW((void)profile_from_json(nlohmann::json{{"max_json_depth", bad}}), ConfigError);
    }
}

// The journey end to end: once SIGSEGV in the dump of tool_name for the timeline.
TEST(BoundedJsonTest, JourneyGivenAHostilelyNestedFrameFailsAsMalformedFrame) {
    AgentServerDoubleOptions server;
    server.script = Script().event(nlohmann::json{{"type", "agent_started"}, {"agent_name", "a"}});
    server.script.send_raw(deep_tool_event(kHostileDepth));
    JourneyOptions options;
    options.config.url = Url::parse("ws://agents.in-memory:80/ws");
    options.config.timeouts.completion = Milliseconds(2000);
    options.client_factory = [server] { return std::make_unique<InMemoryClient>(server); };
    const JourneyResult result = GoldenPathJourney(std::move(options)).run();
    ASSERT_TRUE(result.failure.has_value());
    EXPECT_EQ(result.failure->kind, FailureKind::malformed_frame);
    EXPECT_THAT(result.to_string(), HasSubstr("max_json_depth 64"));
}

// A script is the test author's bytes: a string that is no UTF-8 goes out with U+FFFD in its
// place, never as nlohmann's exception on the double's side of the connection.
TEST(BoundedJsonTest, ScriptEventWithInvalidUtf8IsSentWithReplacementCharacters) {
    AgentServerDoubleOptions server;
    const Script golden = Script::golden_path();
    server.script = Script();
    for (const auto& step : golden.steps()) {
        nlohmann::json event = step.event;
        if (event.at("type") == "agent_started") {
            event["agent_name"] = std::string("order\xff\xfe-bot");
        }
        server.script.event(std::move(event));
    }
    JourneyOptions options;
    options.config.url = Url::parse("ws://agents.in-memory:80/ws");
    options.config.timeouts.completion = Milliseconds(2000);
    options.client_factory = [server] { return std::make_unique<InMemoryClient>(server); };
    const JourneyResult result = GoldenPathJourney(std::move(options)).run();
    ASSERT_FALSE(result.failure.has_value()) << result.to_string();
    const auto started = std::find_if(
        result.frames.begin(), result.frames.end(),
        [](const std::string& frame) { return frame.find("agent_started") != std::string::npos; });
    ASSERT_NE(started, result.frames.end());
    EXPECT_THAT(*started, HasSubstr("order\xEF\xBF\xBD\xEF\xBF\xBD-bot"));
}

TEST(BoundedJsonTest, DeepProfileFileIsAConfigErrorNamingFileAndPointer) {
    const TemporaryDirectory directory;
    const auto path = directory.write_file(
        "deep.json", R"({"ignored_types":)" + nested_arrays(kHostileDepth) + "}");
    try {
        (void)load_profile(path);
        FAIL() << "no ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.id(), "goldenpath.profile");
        std::string pointer = "/ignored_types";
        for (int i = 0; i < 63; ++i) {
            pointer += "/0";
        }
        EXPECT_EQ(error.field(), path + ": " + pointer);
        EXPECT_EQ(error.requirement(), "must nest at most 64 levels deep");
    }
}

TEST(BoundedJsonTest, DeepScriptFileIsAConfigErrorWithTheProfilesDepth) {
    const TemporaryDirectory directory;
    const auto path =
        directory.write_file("deep.json", R"({"events":[{"type":"agent_started","x":[[[[1]]]]}]})");
    ProtocolProfile profile;
    profile.max_json_depth = 4;
    try {
        (void)load_script(path, profile);
        FAIL() << "no ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.id(), "goldenpath.script");
        EXPECT_EQ(error.field(), path + ": /events/0/x/0");
    }
    profile.max_json_depth = 7;
    EXPECT_EQ(load_script(path, profile).event_count(), 1U);
}

TEST(BoundedJsonTest, InvalidJsonFileIsStillAConfigError) {
    const TemporaryDirectory directory;
    const auto path = directory.write_file("bad.json", "{\"events\": [");
    EXPECT_THROW((void)load_script(path, default_profile()), ConfigError);
}

}  // namespace
}  // namespace goldenpath
