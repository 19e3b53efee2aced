// First include: the header under test must be self-contained.
#include "goldenpath/protocol_profile.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/config_error.hpp"
#include "goldenpath/event.hpp"
#include "goldenpath/event_sequence_verifier.hpp"

namespace goldenpath {
namespace {

using nlohmann::json;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::StartsWith;

const std::filesystem::path kProfiles = std::filesystem::path(GOLDENPATH_DATA_DIR) / "profiles";

// Runs `f` and returns the ConfigError it throws (fails the test when it throws none).
template <typename F>
ConfigError config_error_of(F&& f) {
    try {
        f();
    } catch (const ConfigError& e) {
        return e;
    }
    ADD_FAILURE() << "no ConfigError thrown";
    return ConfigError("none", "", "", "");
}

// The business value indicators: the five events that prove the agent delivered its work.
TEST(DefaultProfile, NamesTheFiveGoldenPathEvents) {
    const ProtocolProfile profile = default_profile();
    EXPECT_EQ(profile.name, "agent-chat-v1");
    EXPECT_EQ(profile.agent_started, "agent_started");
    EXPECT_EQ(profile.agent_thinking, "agent_thinking");
    EXPECT_EQ(profile.tool_executing, "tool_executing");
    EXPECT_EQ(profile.tool_completed, "tool_completed");
    EXPECT_EQ(profile.agent_completed, "agent_completed");
    for (const char* type : {"agent_started", "agent_thinking", "tool_executing", "tool_completed",
                             "agent_completed"}) {
        EXPECT_TRUE(profile.is_golden_path_type(type)) << type;
        EXPECT_FALSE(profile.is_ignored(type)) << type;
        EXPECT_FALSE(profile.is_terminal_failure(type)) << type;
    }
    EXPECT_FALSE(profile.is_golden_path_type("agent_error"));
}

TEST(DefaultProfile, ClassifiesIgnoredAndTerminalTypes) {
    const ProtocolProfile profile = default_profile();
    for (const char* type : {"connection_established", "heartbeat", "ping", "pong", "heartbeat_ack",
                             "partial_result", "progress_update", "final_report"}) {
        EXPECT_TRUE(profile.is_ignored(type)) << type;
    }
    for (const char* type : {"agent_error", "agent_death", "error", "error_message"}) {
        EXPECT_TRUE(profile.is_terminal_failure(type)) << type;
    }
    EXPECT_FALSE(profile.is_ignored("agent_error"));
    EXPECT_FALSE(profile.is_terminal_failure("heartbeat"));
    EXPECT_TRUE(profile.require_tool);
    EXPECT_EQ(profile.path, "/ws");
}

TEST(StartMessage, DefaultPutsFieldsUnderPayload) {
    const json message = json::parse(default_profile().start_message("hello", "thread-1", "run-1"));
    EXPECT_EQ(message,
              (json{{"type", "user_message"},
                    {"payload",
                     {{"content", "hello"}, {"thread_id", "thread-1"}, {"run_id", "run-1"}}}}));
}

TEST(StartMessage, UsesTheProfileFieldNames) {
    ProtocolProfile profile = default_profile();
    profile.start_type = "start_agent";
    profile.start_container = "data";
    profile.start_text_field = "user_request";
    profile.thread_id_field = "conversation";
    profile.run_id_field = "request_id";
    const json message = json::parse(profile.start_message("q", "t", "r"));
    EXPECT_EQ(
        message,
        (json{{"type", "start_agent"},
              {"data", {{"user_request", "q"}, {"conversation", "t"}, {"request_id", "r"}}}}));
}

TEST(StartMessage, EscapesTheText) {
    const json message = json::parse(default_profile().start_message("say \"hi\"\n", "t", "r"));
    EXPECT_EQ(message["payload"]["content"], "say \"hi\"\n");
}

TEST(SubprotocolFor, ReplacesTheTokenPlaceholder) {
    ProtocolProfile profile = default_profile();
    EXPECT_EQ(profile.subprotocol_for("abc.def"), "jwt-auth.abc.def");
    profile.subprotocol_template = "bearer.{token}";
    EXPECT_EQ(profile.subprotocol_for("x"), "bearer.x");
    profile.subprotocol_template = "plain";
    EXPECT_EQ(profile.subprotocol_for("x"), "plain");
}

TEST(ProfileJson, RoundTripsTheDefault) {
    const json json_form = to_json(default_profile());
    EXPECT_EQ(to_json(profile_from_json(json_form)), json_form);
    EXPECT_EQ(json_form["auth_methods"], (json{"header", "subprotocol"}));
    EXPECT_EQ(json_form["required_fields"]["tool_completed"],
              (json{{"tool_name"}, {"results", "result", "error"}}));
}

TEST(ProfileJson, RoundTripsEveryChangedKey) {
    ProtocolProfile profile;
    profile.name = "custom";
    profile.agent_started = "a1";
    profile.agent_thinking = "a2";
    profile.tool_executing = "a3";
    profile.tool_completed = "a4";
    profile.agent_completed = "a5";
    profile.ready_type = "hello";
    profile.wait_for_ready = false;
    profile.ignored_types = {"noise"};
    profile.terminal_failure_types = {"boom"};
    profile.error_message_fields = {"why"};
    profile.type_field = "kind";
    profile.run_id_field = "rid";
    profile.thread_id_field = "tid";
    profile.timestamp_field = "ts";
    profile.detail_containers = {"body"};
    profile.required_fields = {{"a1", {{"x", "y"}}}};
    profile.tool_name_field = "tool";
    profile.tool_call_id_fields = {"cid"};
    profile.require_tool = false;
    profile.start_type = "go";
    profile.start_container = "";
    profile.start_text_field = "q";
    profile.auth_methods = {AuthMethod::query};
    profile.subprotocol_template = "bearer.{token}";
    profile.query_token_param = "access_token";
    profile.secret_query_params = {"sig"};
    profile.path = "/api/v1/websocket";
    profile.max_json_depth = 12;
    profile.alternative_types = {{"tool_completed", {"tool_result"}}};
    profile.optional_roles = {"agent_thinking"};
    profile.pairings = {EventPairing{"span", "span_start", "span_end", "span_id"}};
    profile.unknown_types_are_run_events = true;
    profile.error_code_fields = {"code"};
    profile.auth_failure_codes = {"DENIED"};
    profile.start_template = {{"q", "{text}"}};

    const json json_form = to_json(profile);
    const ProtocolProfile back = profile_from_json(json_form);
    EXPECT_EQ(to_json(back), json_form);
    EXPECT_EQ(back.name, "custom");
    EXPECT_EQ(back.required_fields, profile.required_fields);
    EXPECT_EQ(back.auth_methods, std::vector<AuthMethod>{AuthMethod::query});
    EXPECT_FALSE(back.require_tool);
    EXPECT_EQ(back.path, "/api/v1/websocket");
    // Every key differs from the default, so none was silently dropped.
    const json defaults = to_json(default_profile());
    for (const auto& [key, value] : json_form.items()) {
        EXPECT_NE(value, defaults.contains(key) ? defaults.at(key) : json()) << key;
    }
}

TEST(ProfileJson, AbsentKeysKeepTheDefaults) {
    const ProtocolProfile profile = profile_from_json(json{{"name", "partial"}});
    EXPECT_EQ(profile.name, "partial");
    json expected = to_json(default_profile());
    expected["name"] = "partial";
    EXPECT_EQ(to_json(profile), expected);
    EXPECT_EQ(to_json(profile_from_json(json::object())), to_json(default_profile()));
}

// One owner for "the server's message" of an error event (the journey and the verifier used to
// look it up each their own way).
TEST(ProfileServerMessage, IsTheFirstErrorMessageFieldFoundBounded) {
    const ProtocolProfile profile = default_profile();
    // "message" comes first in error_message_fields, and is looked up in the payload first.
    EXPECT_EQ(profile.server_message(json{
                  {"type", "agent_error"}, {"payload", {{"message", "quota"}}}, {"error", "root"}}),
              "quota");
    EXPECT_EQ(profile.server_message(json{{"type", "error"}, {"detail", {{"code", 7}}}}),
              "{\"code\":7}");
    EXPECT_EQ(profile.server_message(json{{"type", "error"}}), "");
    const std::string message =
        profile.server_message(json{{"type", "error"}, {"message", std::string(5000, 'm')}});
    EXPECT_LE(message.size(), 512U);
    EXPECT_THAT(message, HasSubstr("(5000 bytes)"));
    EXPECT_EQ(profile.server_message(json{{"message", std::string("bad \xff byte")}}),
              "bad \xff byte");  // a string is kept as it is: printing escapes it later
    EXPECT_EQ(profile.server_message(json{{"message", json::array({std::string("\xff")})}}),
              "[\"\xEF\xBF\xBD\"]");
}

// Every profile error quotes the value one way, bounded: a long value cannot flood the message.
TEST(ProfileJson, LongOffendingValuesAreQuotedBounded) {
    const ConfigError error = config_error_of([] {
        profile_from_json(json{{"ignored_types", std::string(1000, 'x')}});
    });
    EXPECT_EQ(error.field(), "/ignored_types");
    EXPECT_LE(error.actual().size(), 120U);
    EXPECT_THAT(error.actual(), HasSubstr("(1002 bytes)"));
}

TEST(ProfileJson, UnknownKeyNamesItsPointerAndTheKnownKeys) {
    const ConfigError error = config_error_of([] { profile_from_json(json{{"colour", "red"}}); });
    EXPECT_EQ(error.id(), "goldenpath.profile");
    EXPECT_EQ(error.field(), "/colour");
    EXPECT_EQ(error.actual(), "\"colour\"");
    EXPECT_THAT(error.requirement(),
                StartsWith("must be a known profile key (name, agent_started"));
    EXPECT_THAT(error.what(),
                StartsWith("[goldenpath.profile] (/colour) must be a known profile key"));
}

TEST(ProfileJson, WrongElementTypeNamesTheJsonPointerAndValue) {
    const ConfigError error = config_error_of([] {
        profile_from_json(json{{"ignored_types", {"heartbeat", "ping", 42}}});
    });
    EXPECT_EQ(error.field(), "/ignored_types/2");
    EXPECT_STREQ(error.what(),
                 "[goldenpath.profile] (/ignored_types/2) must be a string, but is 42");
}

TEST(ProfileJson, WrongScalarTypes) {
    EXPECT_STREQ(config_error_of([] {
                     profile_from_json(json{{"require_tool", "yes"}});
                 }).what(),
                 "[goldenpath.profile] (/require_tool) must be a boolean, but is \"yes\"");
    EXPECT_STREQ(config_error_of([] {
                     profile_from_json(json{{"name", 3}});
                 }).what(),
                 "[goldenpath.profile] (/name) must be a string, but is 3");
    EXPECT_STREQ(config_error_of([] {
                     profile_from_json(json{{"agent_started", ""}});
                 }).what(),
                 "[goldenpath.profile] (/agent_started) must be a non-empty string, but is \"\"");
    EXPECT_EQ(config_error_of([] {
                  profile_from_json(json{{"detail_containers", "data"}});
              }).field(),
              "/detail_containers");
    EXPECT_STREQ(config_error_of([] { profile_from_json(json::array()); }).what(),
                 "[goldenpath.profile] () must be a JSON object, but is []");
}

TEST(ProfileJson, AuthMethodsAreNames) {
    EXPECT_EQ(profile_from_json(json{{"auth_methods", {"query", "header"}}}).auth_methods,
              (std::vector<AuthMethod>{AuthMethod::query, AuthMethod::header}));
    const ConfigError error = config_error_of([] {
        profile_from_json(json{{"auth_methods", {"header", "cookie"}}});
    });
    EXPECT_STREQ(error.what(),
                 "[goldenpath.profile] (/auth_methods/1) must be one of header, subprotocol, "
                 "query, but is \"cookie\"");
}

TEST(ProfileJson, RequiredFieldsErrorsNameTheGroup) {
    EXPECT_EQ(
        config_error_of([] {
            profile_from_json(json{{"required_fields", {{"tool_completed", {{"a"}, {"b", 1}}}}}});
        }).field(),
        "/required_fields/tool_completed/1/1");
    EXPECT_EQ(config_error_of([] {
                  profile_from_json(json{{"required_fields", {{"a/b", "x"}}}});
              }).field(),
              "/required_fields/a~1b");
    EXPECT_EQ(config_error_of([] {
                  profile_from_json(json{{"required_fields", {1}}});
              }).field(),
              "/required_fields");
    const ProtocolProfile profile = profile_from_json(
        json{{"required_fields",
              {{"agent_started", json::array({json::array({"agent_name", "agent"})})}}}});
    ASSERT_EQ(profile.required_fields.size(), 1U);
    EXPECT_THAT(profile.required_fields.at("agent_started"),
                ElementsAre(ElementsAre("agent_name", "agent")));
}

TEST(LoadProfile, ShippedDefaultFileEqualsDefaultProfile) {
    const ProtocolProfile profile = load_profile(kProfiles / "agent-chat-v1.json");
    EXPECT_EQ(to_json(profile), to_json(default_profile()));
    std::ifstream in(kProfiles / "agent-chat-v1.json");
    EXPECT_EQ(json::parse(in), to_json(default_profile()));
}

TEST(LoadProfile, ShippedChatMessageRootProfile) {
    const ProtocolProfile profile = load_profile(kProfiles / "chat-message-root.json");
    EXPECT_EQ(profile.name, "chat-message-root-v1");
    EXPECT_EQ(profile.start_type, "chat_message");
    EXPECT_EQ(profile.start_container, "");
    EXPECT_EQ(profile.start_text_field, "text");
    EXPECT_TRUE(profile.detail_containers.empty());
    EXPECT_EQ(profile.agent_started, "agent_started");
    EXPECT_EQ(profile.required_fields, default_profile().required_fields);
}

TEST(LoadProfile, MissingFileIsAConfigErrorNamingThePath) {
    const std::filesystem::path path = kProfiles / "no-such-profile.json";
    const ConfigError error = config_error_of([&] { load_profile(path); });
    EXPECT_EQ(error.id(), "goldenpath.profile");
    EXPECT_EQ(error.field(), path.string());
    EXPECT_EQ(error.requirement(), "must be a readable file");
    EXPECT_THAT(error.what(), HasSubstr("no-such-profile.json"));
    EXPECT_THAT(error.actual(), HasSubstr("No such file"));
}

TEST(LoadProfile, DirectoryIsNotAReadableFile) {
    const ConfigError error = config_error_of([] { load_profile(kProfiles); });
    EXPECT_EQ(error.requirement(), "must be a readable file");
    EXPECT_EQ(error.actual(), "a directory");
}

TEST(LoadProfile, InvalidJsonIsAConfigErrorWithTheParseError) {
    const std::filesystem::path path =
        std::filesystem::path(testing::TempDir()) / "goldenpath-invalid-profile.json";
    {
        std::ofstream out(path);
        out << R"({"name": "broken",)";
    }
    const ConfigError error = config_error_of([&] { load_profile(path); });
    std::filesystem::remove(path);
    EXPECT_EQ(error.field(), path.string());
    EXPECT_EQ(error.requirement(), "must hold valid JSON");
    EXPECT_THAT(error.actual(), HasSubstr("parse error"));
}

// The second shipped profile must really change behaviour, not just carry another name.
class ProfileBehaviour : public testing::Test {
  protected:
    ProtocolProfile standard = load_profile(kProfiles / "agent-chat-v1.json");
    ProtocolProfile root = load_profile(kProfiles / "chat-message-root.json");
};

TEST_F(ProfileBehaviour, StartMessagesDiffer) {
    EXPECT_EQ(
        json::parse(root.start_message("hi", "t", "r")),
        (json{{"type", "chat_message"}, {"text", "hi"}, {"thread_id", "t"}, {"run_id", "r"}}));
    EXPECT_NE(root.start_message("hi", "t", "r"), standard.start_message("hi", "t", "r"));
}

TEST_F(ProfileBehaviour, RootProfileFindsRootFieldsOnly) {
    const json body = {{"type", "tool_executing"}, {"data", {{"tool_name", "nested"}}}, {"x", 1}};
    EXPECT_EQ(root.find_field(body, "tool_name"), nullptr);
    ASSERT_NE(standard.find_field(body, "tool_name"), nullptr);
    EXPECT_EQ(*standard.find_field(body, "tool_name"), "nested");
    ASSERT_NE(root.find_field(body, "x"), nullptr);
    EXPECT_EQ(*root.find_field(body, "x"), 1);
}

TEST_F(ProfileBehaviour, DetailUnderDataIsAMissingFieldForTheRootProfile) {
    const json started = {{"type", "agent_started"}, {"data", {{"agent_name", "triage"}}}};
    const auto verdict_of = [&](const ProtocolProfile& profile) {
        EventSequenceVerifier verifier(profile);
        const Clock::time_point origin{};
        verifier.start_run("t", "", origin);
        verifier.feed(make_event(started, profile, origin));
        return verifier.verdict();
    };
    EXPECT_FALSE(verdict_of(standard).violation.has_value());
    const Verdict root_verdict = verdict_of(root);
    ASSERT_TRUE(root_verdict.violation.has_value());
    EXPECT_EQ(root_verdict.violation->rule, Rule::missing_field);
    EXPECT_EQ(root_verdict.violation->field, "agent_name");
}

}  // namespace
}  // namespace goldenpath
