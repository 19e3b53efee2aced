// The profile's fields for protocols beyond agent-chat-v1: the start template, alternative types,
// optional roles, pairings, unknown types and error codes; and the shipped profiles by name.
#include "goldenpath/shipped_profiles.hpp"

#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/config_error.hpp"
#include "goldenpath/protocol_profile.hpp"

namespace goldenpath {
namespace {

using nlohmann::json;
using testing::HasSubstr;

const std::filesystem::path kProfiles = std::filesystem::path(GOLDENPATH_DATA_DIR) / "profiles";

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

json with(json profile, const std::string& key, json value) {
    profile[key] = std::move(value);
    return profile;
}

TEST(StartTemplate, PlaceholdersAreFilledAsJsonStringValues) {
    ProtocolProfile profile;
    profile.start_template = json::parse(R"({
        "threadId": "{thread_id}", "runId": "{run_id}",
        "messages": [{"id": "{message_id}", "role": "user", "content": "{text}"}],
        "note": "run {run_id} of {thread_id}", "braces": "{} {not a placeholder"})");
    const std::string text = R"(say "hi"}, "injected": {"x)";
    const json message = json::parse(profile.start_message(text, "t-1", "r-\"1\"", "m-1"));
    EXPECT_EQ(message.at("threadId"), "t-1");
    EXPECT_EQ(message.at("runId"), "r-\"1\"");
    EXPECT_EQ(message.at("messages").at(0).at("content"), text);  // escaped, not spliced
    EXPECT_EQ(message.at("messages").at(0).at("id"), "m-1");
    EXPECT_EQ(message.at("note"), "run r-\"1\" of t-1");
    EXPECT_EQ(message.at("braces"), "{} {not a placeholder");
    EXPECT_FALSE(message.contains("injected"));
    EXPECT_EQ(message.size(), 5U);
}

TEST(StartTemplate, MessageIdDefaultsToOneMadeOfTheRunId) {
    ProtocolProfile profile;
    profile.start_template = {{"id", "{message_id}"}};
    EXPECT_EQ(json::parse(profile.start_message("x", "t", "r-7")).at("id"), "message-r-7");
}

TEST(StartTemplate, UnsetKeepsTheTypeAndContainerMessage) {
    const ProtocolProfile profile;
    EXPECT_EQ(json::parse(profile.start_message("hello", "t1", "r1")),
              json::parse(R"({"type":"user_message","payload":{"content":"hello",
                              "thread_id":"t1","run_id":"r1"}})"));
}

TEST(StartTemplate, BadTemplatesAreConfigErrorsNamingTheField) {
    const json base = to_json(default_profile());
    struct Case {
        json value;
        const char* field;
        const char* requirement;
    };
    const Case cases[] = {
        {"", "/start_template", "must be a non-empty JSON object (or its JSON text)"},
        {"{\"threadId\": ", "/start_template", "must be JSON text of an object"},
        {json::object(), "/start_template", "must be a non-empty JSON object"},
        {json::array({"{text}"}), "/start_template", "must be a non-empty JSON object"},
        {json{{"a", {{"b", "{user}"}}}}, "/start_template/a/b",
         "must use only the placeholders {text}, {thread_id}, {run_id} and {message_id}"},
        {"{\"a\": [\"{txt}\"]}", "/start_template/a/0", "must use only the placeholders"},
    };
    for (const Case& c : cases) {
        const ConfigError error =
            config_error_of([&] { profile_from_json(with(base, "start_template", c.value)); });
        EXPECT_EQ(error.id(), "goldenpath.profile") << c.value;
        EXPECT_EQ(error.field(), c.field) << c.value;
        EXPECT_THAT(error.requirement(), HasSubstr(c.requirement)) << c.value;
    }
}

TEST(StartTemplate, GivenAsJsonTextReadsAsTheObject) {
    const ProtocolProfile profile = profile_from_json(
        with(to_json(default_profile()), "start_template", R"({"runId": "{run_id}"})"));
    EXPECT_EQ(profile.start_template, json({{"runId", "{run_id}"}}));
}

TEST(ProfileFields, NewFieldsRoundTripThroughJson) {
    ProtocolProfile profile;
    profile.alternative_types = {{"tool_completed", {"TOOL_CALL_RESULT"}},
                                 {"agent_thinking", {"a", "b"}}};
    profile.optional_roles = {"agent_thinking", "tool_executing"};
    profile.pairings = {EventPairing{"step", "STEP_STARTED", "STEP_FINISHED", "stepName"}};
    profile.unknown_types_are_run_events = true;
    profile.error_code_fields = {"code"};
    profile.start_template = {{"runId", "{run_id}"}, {"n", 1}};
    const json written = to_json(profile);
    EXPECT_EQ(written.at("pairings"),
              json::parse(R"([{"name":"step","open":"STEP_STARTED","close":"STEP_FINISHED",
                               "id_field":"stepName"}])"));
    EXPECT_EQ(profile_from_json(written), profile);
    EXPECT_FALSE(to_json(default_profile()).contains("start_template"));
    EXPECT_EQ(profile_from_json(to_json(default_profile())), default_profile());
}

TEST(ProfileFields, BadValuesAreConfigErrorsNamingTheField) {
    const json base = to_json(default_profile());
    struct Case {
        const char* key;
        json value;
        const char* field;
        const char* requirement;
    };
    const Case cases[] = {
        {"alternative_types", json{{"tool_done", {"X"}}}, "/alternative_types/tool_done",
         "must be a role (agent_started"},
        {"alternative_types", json{{"tool_completed", {""}}}, "/alternative_types/tool_completed/0",
         "must be a non-empty string"},
        {"alternative_types", json::array(), "/alternative_types", "must be an object"},
        {"optional_roles", json{"agent_started"}, "/optional_roles/0",
         "must be a role a run may lack"},
        {"pairings", json{{{"name", "s"}, {"open", "A"}, {"close", "B"}}}, "/pairings/0/id_field",
         "must be present"},
        {"pairings",
         json{{{"name", "s"}, {"open", "A"}, {"close", "B"}, {"id_field", "i"}, {"extra", 1}}},
         "/pairings/0/extra", "must be a pairing key"},
        {"pairings", json{{{"name", ""}, {"open", "A"}, {"close", "B"}, {"id_field", "i"}}},
         "/pairings/0/name", "must be a non-empty string"},
        {"unknown_types_are_run_events", "yes", "/unknown_types_are_run_events",
         "must be a boolean"},
        {"error_code_fields", "code", "/error_code_fields", "must be an array of strings"},
    };
    for (const Case& c : cases) {
        const ConfigError error =
            config_error_of([&] { profile_from_json(with(base, c.key, c.value)); });
        EXPECT_EQ(error.field(), c.field) << c.key << " " << c.value;
        EXPECT_THAT(error.requirement(), HasSubstr(c.requirement)) << c.key << " " << c.value;
    }
}

TEST(ShippedProfiles, AreFoundByNameAndEqualTheirInstalledFiles) {
    EXPECT_THAT(shipped_profile_names(), testing::ElementsAre("agent-chat-v1", "ag-ui"));
    EXPECT_EQ(resolve_profile("agent-chat-v1"), default_profile());
    EXPECT_EQ(resolve_profile("agent-chat-v1"), load_profile(kProfiles / "agent-chat-v1.json"));
    const ProtocolProfile ag_ui = resolve_profile("ag-ui");
    EXPECT_EQ(ag_ui.name, "ag-ui");
    EXPECT_EQ(ag_ui, load_profile(kProfiles / "ag-ui.json"));
    EXPECT_EQ(resolve_profile((kProfiles / "ag-ui.json").string()), ag_ui);
    EXPECT_EQ(shipped_profile("nope"), std::nullopt);
}

TEST(ShippedProfiles, AgUiStartsARunWithARunAgentInput) {
    const json input = json::parse(resolve_profile("ag-ui").start_message("hi", "t1", "r1"));
    EXPECT_EQ(input, json::parse(R"({"threadId":"t1","runId":"r1","state":{},
        "messages":[{"id":"message-r1","role":"user","content":"hi"}],
        "tools":[],"context":[],"forwardedProps":{}})"));
}

TEST(ShippedProfiles, AValueWithASlashOrJsonSuffixIsAPath) {
    EXPECT_TRUE(is_profile_path("./ag-ui"));
    EXPECT_TRUE(is_profile_path("ag-ui.json"));
    EXPECT_TRUE(is_profile_path("/etc/p"));
    EXPECT_FALSE(is_profile_path("ag-ui"));
    EXPECT_FALSE(is_profile_path("agent-chat-v1"));
    // A path is read as a file even when its stem is a shipped name.
    const ConfigError missing = config_error_of([] { resolve_profile("ag-ui.json"); });
    EXPECT_EQ(missing.id(), "goldenpath.profile");
    EXPECT_THAT(missing.what(), HasSubstr("ag-ui.json"));
}

TEST(ShippedProfiles, AnUnknownNameIsAConfigErrorListingTheNames) {
    const ConfigError error =
        config_error_of([] { resolve_profile("agui", "GOLDENPATH_PROFILE"); });
    EXPECT_EQ(error.id(), "goldenpath.profile");
    EXPECT_EQ(error.field(), "GOLDENPATH_PROFILE");
    EXPECT_THAT(error.requirement(), HasSubstr("agent-chat-v1, ag-ui"));
    EXPECT_EQ(error.actual(), "\"agui\"");
}

}  // namespace
}  // namespace goldenpath
