// LoadSettings (users, sla) and LoadRunOptions read whole: the settings EndpointConfig no longer
// holds, from the environment and from JSON.
#include "goldenpath/load_settings.hpp"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goldenpath/config_error.hpp"
#include "goldenpath/fixtures/fake_environment.hpp"
#include "goldenpath/fixtures/temporary_directory.hpp"
#include "goldenpath/load_run.hpp"

namespace goldenpath {
namespace {

using nlohmann::json;
using testing::AllOf;
using testing::ElementsAre;
using testing::Property;
using testing::StrEq;
using testing::Throws;
using testing::ThrowsMessage;

using fixtures::FakeEnvironment;

constexpr const char* kUrl = "ws://127.0.0.1:8080/ws";
const EndpointConfig kEndpoint;

fixtures::EnvironmentVariables with_url(fixtures::EnvironmentVariables extra = {}) {
    extra.emplace("GOLDENPATH_STAGING_URL", kUrl);
    return extra;
}

auto ThrowsConfigError(const std::string& id, const std::string& field, const std::string& actual) {
    return Throws<ConfigError>(AllOf(Property(&ConfigError::id, id),
                                     Property(&ConfigError::field, field),
                                     Property(&ConfigError::actual, actual)));
}

TEST(LoadSettingsTest, DefaultsToOneUserAndNoSla) {
    const LoadSettings load =
        LoadSettings::from_environment(FakeEnvironment(with_url()), kEndpoint);
    EXPECT_EQ(load.users, 1U);
    EXPECT_TRUE(load.sla.empty());
    const LoadSettings from_json = LoadSettings::from_json(json::object(), kEndpoint);
    EXPECT_EQ(from_json.users, 1U);
    EXPECT_TRUE(from_json.sla.empty());
}

TEST(LoadSettingsTest, ReadsUsersAndSlaFromTheEnvironment) {
    const LoadSettings load = LoadSettings::from_environment(
        FakeEnvironment(with_url({
            {"GOLDENPATH_USERS", "25"},
            {"GOLDENPATH_SLA", " p95.connect<500ms ; success>=99.5%;; "},
        })),
        kEndpoint);
    EXPECT_EQ(load.users, 25U);
    EXPECT_THAT(load.sla, ElementsAre("p95.connect<500ms", "success>=99.5%"));
}

class UsersVariable : public testing::TestWithParam<const char*> {};

TEST_P(UsersVariable, RejectsAnythingButAnInteger1To1000000) {
    const std::string text = GetParam();
    EXPECT_THAT(
        [&] {
            (void)LoadSettings::from_environment(
                FakeEnvironment(with_url({{"GOLDENPATH_USERS", text}})), kEndpoint);
        },
        ThrowsMessage<ConfigError>(StrEq(
            "[goldenpath.env] (GOLDENPATH_USERS) must be an integer 1-1000000, but is " + text)));
}

INSTANTIATE_TEST_SUITE_P(LoadSettingsTest, UsersVariable,
                         testing::Values("abc", "0", "-3", "+5", " 5", "5 ", "1e3", "1000001",
                                         "10000000", "2.5", "0x10", "99999999999999999999999"));

TEST(LoadSettingsTest, UsersAcceptsItsBounds) {
    EXPECT_EQ(
        LoadSettings::from_environment(FakeEnvironment({{"GOLDENPATH_USERS", "1"}}), kEndpoint)
            .users,
        1U);
    EXPECT_EQ(LoadSettings::from_environment(FakeEnvironment({{"GOLDENPATH_USERS", "1000000"}}),
                                             kEndpoint)
                  .users,
              1000000U);
    EXPECT_EQ(LoadSettings::from_json(json{{"users", 1000000}}, kEndpoint).users, 1000000U);
}

TEST(LoadSettingsTest, BadSlaInTheEnvironmentNamesVariableAndExpression) {
    EXPECT_THAT(
        [] {
            (void)LoadSettings::from_environment(
                FakeEnvironment(
                    with_url({{"GOLDENPATH_SLA", "p95.connect<500ms; p95.connect<fast"}})),
                kEndpoint);
        },
        ThrowsMessage<ConfigError>(StrEq(
            "[goldenpath.env] (GOLDENPATH_SLA) must be "
            "(p50|p95|p99|max).(connect|first_event|completion)<Nms or success>=P% with P 0-100, "
            "but is p95.connect<fast")));
}

// One parse: the settings hold SlaExpression values, so LoadRun, the probe and the tests judge
// exactly what was validated.
TEST(LoadSettingsTest, SlaExpressionsAreParsedWhereTheyAreRead) {
    const LoadSettings from_env = LoadSettings::from_environment(
        FakeEnvironment({{"GOLDENPATH_SLA", " p95.connect<500ms ; success>=99.5% ;"}}), kEndpoint);
    ASSERT_EQ(from_env.sla.size(), 2U);
    EXPECT_EQ(from_env.sla[0].statistic, SlaExpression::Statistic::p95);
    EXPECT_EQ(from_env.sla[0].metric, SlaExpression::Metric::connect);
    EXPECT_EQ(from_env.sla[0].limit, 500.0);
    EXPECT_EQ(from_env.sla[1].metric, SlaExpression::Metric::success);
    EXPECT_EQ(from_env.sla[1].limit, 99.5);
    const LoadSettings from_json =
        LoadSettings::from_json(json{{"sla", {" max.first_event<20ms "}}}, kEndpoint);
    EXPECT_EQ(from_json.sla,
              std::vector<SlaExpression>{SlaExpression::parse("max.first_event<20ms", "--sla")});
    EXPECT_EQ(from_json.sla[0].text, "max.first_event<20ms");
    EXPECT_THAT(
        LoadSettings::from_json(json{{"sla", "p99.completion<5000ms; success>=90%"}}, kEndpoint)
            .sla,
        ElementsAre("p99.completion<5000ms", "success>=90%"));
}

TEST(LoadSettingsTest, SlaFieldAssignedFromTextIsParsedOnTheSpot) {
    LoadSettings load;
    load.sla = {"p99.completion<30000ms"};
    EXPECT_EQ(load.sla[0].statistic, SlaExpression::Statistic::p99);
    const auto assign_a_bad_list = [&load] { load.sla = {"p95.connect<5ms", "fast"}; };
    EXPECT_THAT(assign_a_bad_list,
                ThrowsMessage<ConfigError>(
                    StrEq("[goldenpath.config] (/sla) must be "
                          "(p50|p95|p99|max).(connect|first_event|completion)<Nms or success>=P% "
                          "with P 0-100, but is fast")));
}

TEST(LoadSettingsTest, FromJsonNamesTheFieldOfAWrongType) {
    EXPECT_THAT(
        [] {
            (void)LoadSettings::from_json(json{{"users", "10"}}, kEndpoint);
        },
        ThrowsConfigError("goldenpath.config", "/users", "\"10\""));
    EXPECT_THAT(
        [] {
            (void)LoadSettings::from_json(json{{"users", 0}}, kEndpoint);
        },
        ThrowsConfigError("goldenpath.config", "/users", "0"));
    EXPECT_THAT(
        [] {
            (void)LoadSettings::from_json(json{{"users", std::string("\xff\xfe")}}, kEndpoint);
        },
        ThrowsConfigError("goldenpath.config", "/users", "\"\xEF\xBF\xBD\xEF\xBF\xBD\""));
    EXPECT_THAT(
        [] {
            (void)LoadSettings::from_json(json::parse(R"({"sla": ["p95.connect<5ms", 5]})"),
                                          kEndpoint);
        },
        ThrowsConfigError("goldenpath.config", "/sla/1", "5"));
    EXPECT_THAT(
        [] {
            (void)LoadSettings::from_json(json::parse(R"({"sla": ["p95.connect<5ms", "x"]})"),
                                          kEndpoint);
        },
        ThrowsConfigError("goldenpath.config", "/sla/1", "x"));
    EXPECT_THAT([] { (void)LoadSettings::from_json(json::array(), kEndpoint); },
                ThrowsConfigError("goldenpath.config", "", "[]"));
}

TEST(LoadSettingsTest, ValidateNamesUsersOutOfRange) {
    LoadSettings load;
    EXPECT_NO_THROW(load.validate());
    load.users = 0;
    EXPECT_THAT([&load] { load.validate(); },
                ThrowsConfigError("goldenpath.config", "/users", "0"));
    load.users = 1000001;
    EXPECT_THAT([&load] { load.validate(); },
                ThrowsConfigError("goldenpath.config", "/users", "1000001"));
}

// A config document holds the endpoint's keys and the load's: EndpointConfig alone refuses the
// load's, naming the reader that takes them, instead of dropping them.
TEST(LoadSettingsTest, EndpointConfigRefusesTheLoadKeysNamingLoadRunOptions) {
    for (const char* key : {"users", "sla"}) {
        SCOPED_TRACE(key);
        json document{{"url", kUrl}};
        document[key] = key == std::string("users") ? json(10) : json("success>=90%");
        EXPECT_THAT(
            [&document] { (void)EndpointConfig::from_json(document); },
            ThrowsMessage<ConfigError>(testing::HasSubstr(
                std::string("(/") + key +
                ") must be read with LoadRunOptions::from_json (a load run's setting, not the "
                "endpoint's)")));
    }
}

TEST(LoadSettingsTest, LoadRunOptionsReadsEndpointLoadAndProfileFromOneDocument) {
    const LoadRunOptions options =
        LoadRunOptions::from_json(json{{"url", kUrl},
                                       {"token", "tok-load-json"},
                                       {"users", 12},
                                       {"sla", {"p99.completion<5000ms"}},
                                       {"profile", "ag-ui"},
                                       {"timeouts_ms", {{"connect", 250}}}});
    EXPECT_EQ(options.users, 12U);
    EXPECT_THAT(options.sla, ElementsAre("p99.completion<5000ms"));
    EXPECT_EQ(options.config.url, Url::parse(kUrl));
    EXPECT_EQ(options.config.tokens.size(), 1U);
    EXPECT_EQ(options.config.timeouts.connect, Milliseconds{250});
    EXPECT_EQ(options.profile.name, "ag-ui");
    EXPECT_THAT(
        [] {
            (void)LoadRunOptions::from_json(json{{"url", kUrl}, {"userz", 3}});
        },
        Throws<ConfigError>(Property(&ConfigError::field, "/userz")));
    EXPECT_THAT(
        [] {
            (void)LoadRunOptions::from_json(json{{"url", kUrl}, {"users", -1}});
        },
        ThrowsConfigError("goldenpath.config", "/users", "-1"));
}

TEST(LoadSettingsTest, LoadRunOptionsReadsTheWholeEnvironment) {
    const LoadRunOptions options = LoadRunOptions::from_environment(FakeEnvironment(with_url({
        {"GOLDENPATH_USERS", "7"},
        {"GOLDENPATH_SLA", "success>=99%"},
        {"GOLDENPATH_PROFILE", "ag-ui"},
        {"GOLDENPATH_TIMEOUT_MS", "4000"},
    })));
    EXPECT_EQ(options.users, 7U);
    EXPECT_THAT(options.sla, ElementsAre("success>=99%"));
    EXPECT_EQ(options.config.url, Url::parse(kUrl));
    EXPECT_EQ(options.config.timeouts.completion, Milliseconds{4000});
    EXPECT_EQ(options.profile.name, "ag-ui");
    EXPECT_THAT(
        [] {
            (void)LoadRunOptions::from_environment(
                FakeEnvironment(with_url({{"GOLDENPATH_USERS", "many"}})));
        },
        ThrowsConfigError("goldenpath.env", "GOLDENPATH_USERS", "many"));
}

}  // namespace
}  // namespace goldenpath
