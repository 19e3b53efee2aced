// Self-contained check: the header under test comes first (docs/architecture.md).
#include "goldenpath/endpoint_config.hpp"

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goldenpath/config_error.hpp"
#include "goldenpath/fixtures/fake_environment.hpp"
#include "goldenpath/fixtures/temporary_directory.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/sla_expression.hpp"
#include "goldenpath/websocket_client.hpp"
#include "scoped_timeout_scale.hpp"

namespace goldenpath {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::AllOf;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::Not;
using testing::Property;
using testing::StrEq;
using testing::Throws;
using testing::ThrowsMessage;

using Variables = fixtures::EnvironmentVariables;
using fixtures::FakeEnvironment;

constexpr const char* primary_url = "wss://staging.agents.example.com/api/v1/websocket";

// The smallest valid environment plus `extra`.
EnvironmentLookup StagingEnvironment(Variables extra = {}) {
    extra.emplace("GOLDENPATH_STAGING_URL", primary_url);
    return FakeEnvironment(std::move(extra));
}

auto ThrowsConfigError(const std::string& id, const std::string& field, const std::string& actual) {
    return Throws<ConfigError>(AllOf(Property(&ConfigError::id, id),
                                     Property(&ConfigError::field, field),
                                     Property(&ConfigError::actual, actual)));
}

// Each test gets its own directory under the system temp directory, removed in TearDown.
class ConfigFilesTest : public testing::Test {
  protected:
    std::string WriteFile(const std::string& name, const std::string& content) const {
        return directory_.write_file(name, content);
    }

    std::string Missing(const std::string& name) const { return directory_.path_of(name); }

  private:
    fixtures::TemporaryDirectory directory_{"goldenpath-config-test"};
};

// ---- AuthenticationHeaderFormat ----------------------------------------------------------

class AuthenticationHeaderFormat : public ConfigFilesTest {};

// The Authorization header a journey of `user` sends (the default profile's auth method), or
// nullopt.
std::optional<std::string> authorization_sent(const EndpointConfig& config, std::size_t user) {
    const ConnectRequest request = connect_request_for(config, default_profile(), user, config.url);
    for (const auto& [name, value] : request.headers) {
        if (name == "Authorization") {
            return value;
        }
    }
    return std::nullopt;
}

TEST_F(AuthenticationHeaderFormat, BearerHeaderCarriesTheToken) {
    const EndpointConfig config = EndpointConfig::from_environment(
        StagingEnvironment({{"GOLDENPATH_TOKEN", "eyJhbG.abc.def"}}));
    EXPECT_EQ(authorization_sent(config, 0), "Bearer eyJhbG.abc.def");
    EXPECT_EQ(authorization_sent(config, 7), "Bearer eyJhbG.abc.def");  // one token, every user
}

TEST_F(AuthenticationHeaderFormat, NoHeaderWithoutTokens) {
    const EndpointConfig config = EndpointConfig::from_environment(StagingEnvironment());
    EXPECT_TRUE(config.tokens.empty());
    EXPECT_EQ(config.token_for(0), nullptr);
    EXPECT_EQ(authorization_sent(config, 0), std::nullopt);
}

TEST_F(AuthenticationHeaderFormat, TokensFromAFileAreHandedToUsersInTurn) {
    const std::string file =
        WriteFile("tokens.txt", "# staging users\ntok-a\n\n  tok-b  \r\n#tok-x\ntok-c");
    const EndpointConfig config =
        EndpointConfig::from_environment(StagingEnvironment({{"GOLDENPATH_TOKEN_FILE", file}}));
    ASSERT_EQ(config.tokens.size(), 3U);
    std::vector<std::string> handed;
    for (std::size_t user = 0; user < 5; ++user) {
        handed.emplace_back(config.token_for(user)->reveal());
    }
    EXPECT_THAT(handed, ElementsAre("tok-a", "tok-b", "tok-c", "tok-a", "tok-b"));
    EXPECT_EQ(authorization_sent(config, 4), "Bearer tok-b");
}

TEST_F(AuthenticationHeaderFormat, TokenIsTrimmed) {
    const EndpointConfig config =
        EndpointConfig::from_environment(StagingEnvironment({{"GOLDENPATH_TOKEN", " tok-1\n"}}));
    EXPECT_EQ(authorization_sent(config, 0), "Bearer tok-1");
}

TEST_F(AuthenticationHeaderFormat, TokenWithInnerWhitespaceIsRejectedUnquoted) {
    EXPECT_THAT(
        [] {
            (void)EndpointConfig::from_environment(
                StagingEnvironment({{"GOLDENPATH_TOKEN", "tok\r\nX-Injected: 1"}}));
        },
        ThrowsConfigError("goldenpath.env", "GOLDENPATH_TOKEN", "***"));
}

TEST_F(AuthenticationHeaderFormat, TokenAndTokenFileTogetherAreRejected) {
    const std::string file = WriteFile("tokens.txt", "tok-a\n");
    EXPECT_THAT(
        [&] {
            (void)EndpointConfig::from_environment(StagingEnvironment(
                {{"GOLDENPATH_TOKEN", "tok-b"}, {"GOLDENPATH_TOKEN_FILE", file}}));
        },
        ThrowsMessage<ConfigError>(
            AllOf(HasSubstr("(GOLDENPATH_TOKEN)"), HasSubstr("GOLDENPATH_TOKEN_FILE"))));
}

TEST_F(AuthenticationHeaderFormat, UnusableTokenFilesNameTheVariableAndPath) {
    const std::string empty = WriteFile("empty.txt", "");
    const std::string comments = WriteFile("comments.txt", "# none yet\n\n   \n");
    const std::string missing = Missing("missing.txt");
    for (const std::string& path : {empty, comments, missing}) {
        SCOPED_TRACE(path);
        EXPECT_THAT(
            [&] {
                (void)EndpointConfig::from_environment(
                    StagingEnvironment({{"GOLDENPATH_TOKEN_FILE", path}}));
            },
            ThrowsConfigError("goldenpath.env", "GOLDENPATH_TOKEN_FILE", path));
    }
    EXPECT_THAT([&] { (void)read_token_file(comments, "GOLDENPATH_TOKEN_FILE"); },
                ThrowsMessage<ConfigError>(StrEq(
                    "[goldenpath.env] (GOLDENPATH_TOKEN_FILE) must contain at least one token "
                    "(blank and # lines are skipped), but is " +
                    comments)));
}

TEST_F(AuthenticationHeaderFormat, EmptyTokenVariableCountsAsUnset) {
    const EndpointConfig config =
        EndpointConfig::from_environment(StagingEnvironment({{"GOLDENPATH_TOKEN", ""}}));
    EXPECT_TRUE(config.tokens.empty());
}

// ---- ConnectionParameters ----------------------------------------------------------------

class ConnectionParameters : public ConfigFilesTest {};

TEST_F(ConnectionParameters, FromEnvironmentReadsEverySetting) {
    const std::string ca = WriteFile("ca.pem", "-----BEGIN CERTIFICATE-----\n");
    const std::string profile = WriteFile("profile.json", "{}");
    const EndpointConfig config = EndpointConfig::from_environment(StagingEnvironment({
        {"GOLDENPATH_CA_FILE", ca},
        {"GOLDENPATH_TIMEOUT_MS", "45000"},
        {"GOLDENPATH_PROFILE", profile},
    }));
    EXPECT_EQ(config.url, Url::parse(primary_url));
    EXPECT_EQ(config.url.port, 443);
    EXPECT_EQ(config.ca_file, std::filesystem::path(ca));
    EXPECT_EQ(config.timeouts.completion, 45000ms);
    EXPECT_EQ(config.profile_path, std::filesystem::path(profile));
}

TEST_F(ConnectionParameters, DefaultsWhenOnlyTheUrlIsSet) {
    const EndpointConfig config = EndpointConfig::from_environment(StagingEnvironment());
    EXPECT_TRUE(config.fallback_urls.empty());
    EXPECT_EQ(config.ca_file, std::nullopt);
    EXPECT_FALSE(config.insecure_skip_verify);
    EXPECT_EQ(config.profile_path, std::nullopt);
    EXPECT_EQ(config.environment, DeploymentEnvironment::development);
}

TEST_F(ConnectionParameters, StagingUrlIsRequired) {
    for (const Variables& variables : {Variables{}, Variables{{"GOLDENPATH_STAGING_URL", ""}},
                                       Variables{{"GOLDENPATH_STAGING_URL", "  "}}}) {
        EXPECT_THAT([&] { (void)EndpointConfig::from_environment(FakeEnvironment(variables)); },
                    ThrowsMessage<ConfigError>(
                        StrEq("[goldenpath.env] (GOLDENPATH_STAGING_URL) must be set to a ws:// "
                              "or wss:// URL, but is unset")));
    }
}

TEST_F(ConnectionParameters, InvalidStagingUrlNamesTheVariable) {
    EXPECT_THAT(
        [] {
            (void)EndpointConfig::from_environment(
                FakeEnvironment({{"GOLDENPATH_STAGING_URL", "ftp://staging.example.com/ws"}}));
        },
        ThrowsMessage<ConfigError>(
            StrEq("[goldenpath.env] (GOLDENPATH_STAGING_URL) must start with ws://, wss://, "
                  "http:// or https://, but is ftp://staging.example.com/ws")));
}

TEST_F(ConnectionParameters, HttpsStagingUrlIsAccepted) {
    const EndpointConfig config = EndpointConfig::from_environment(
        FakeEnvironment({{"GOLDENPATH_STAGING_URL", "https://staging.example.com/agent"}}));
    EXPECT_EQ(config.url.scheme, "https");
    EXPECT_TRUE(config.url.tls());
}

TEST_F(ConnectionParameters, StagingConfiguredOnlyWhenTheUrlIsNonEmpty) {
    EXPECT_FALSE(EndpointConfig::staging_configured(FakeEnvironment({})));
    EXPECT_FALSE(
        EndpointConfig::staging_configured(FakeEnvironment({{"GOLDENPATH_STAGING_URL", ""}})));
    EXPECT_TRUE(EndpointConfig::staging_configured(StagingEnvironment()));
}

TEST_F(ConnectionParameters, TimeoutMsIsAStrictIntegerUpToAnHour) {
    for (const char* text : {"0", "3600001", "10s", "-1", "1.5"}) {
        SCOPED_TRACE(text);
        EXPECT_THAT(
            [&] {
                (void)EndpointConfig::from_environment(
                    StagingEnvironment({{"GOLDENPATH_TIMEOUT_MS", text}}));
            },
            ThrowsConfigError("goldenpath.env", "GOLDENPATH_TIMEOUT_MS", text));
    }
    EXPECT_EQ(
        EndpointConfig::from_environment(StagingEnvironment({{"GOLDENPATH_TIMEOUT_MS", "3600000"}}))
            .timeouts.completion,
        3600000ms);
}

TEST_F(ConnectionParameters, CaFileAndProfileMustExist) {
    const std::string missing = Missing("nope.pem");
    EXPECT_THAT(
        [&] {
            (void)EndpointConfig::from_environment(
                StagingEnvironment({{"GOLDENPATH_CA_FILE", missing}}));
        },
        ThrowsConfigError("goldenpath.env", "GOLDENPATH_CA_FILE", missing));
    EXPECT_THAT(
        [&] {
            (void)EndpointConfig::from_environment(
                StagingEnvironment({{"GOLDENPATH_PROFILE", missing}}));
        },
        ThrowsConfigError("goldenpath.env", "GOLDENPATH_PROFILE", missing));
}

TEST_F(ConnectionParameters, ProfileMayBeAShippedProfilesName) {
    for (const char* name : {"ag-ui", "agent-chat-v1"}) {
        const EndpointConfig config =
            EndpointConfig::from_environment(StagingEnvironment({{"GOLDENPATH_PROFILE", name}}));
        EXPECT_EQ(config.profile_path, std::filesystem::path(name));
    }
    EXPECT_THAT(
        [&] {
            (void)EndpointConfig::from_environment(
                StagingEnvironment({{"GOLDENPATH_PROFILE", "agui"}}));
        },
        ThrowsConfigError("goldenpath.profile", "GOLDENPATH_PROFILE", "\"agui\""));
    nlohmann::json document = {{"url", "ws://127.0.0.1:8000/ws"}, {"profile", "ag-ui"}};
    EXPECT_EQ(EndpointConfig::from_json(document).profile_path, std::filesystem::path("ag-ui"));
    document["profile"] = "agui";
    EXPECT_THAT([&] { (void)EndpointConfig::from_json(document); },
                ThrowsConfigError("goldenpath.profile", "/profile", "\"agui\""));
}

TEST_F(ConnectionParameters, SlaExpressionsFollowTheGrammar) {
    for (const char* expr : {"p50.connect<100ms", "p95.first_event<2000ms",
                             "p99.completion<30000ms", "max.connect<1ms", "success>=99%",
                             "success>=99.5%", "success>=0%", "success>=100%", "success>=100.0%"}) {
        SCOPED_TRACE(expr);
        EXPECT_NO_THROW(validate_sla_expression(expr, "--sla"));
    }
    for (const char* expr :
         {"p90.connect<100ms", "p95.connect<100", "p95.connect<=100ms", "p95.latency<100ms",
          "success>=101%", "success>=100.5%", "success>=99", "success>99%", "success>=-1%",
          "p95.connect < 100ms", "", "p95connect<100ms", "success>=.5%", "p95.connect<1.5ms",
          "p95.connect<ms", "P95.connect<100ms"}) {
        SCOPED_TRACE(expr);
        EXPECT_THAT([&] { validate_sla_expression(expr, "--sla"); },
                    Throws<ConfigError>(
                        AllOf(Property(&ConfigError::field, "--sla"),
                              Property(&ConfigError::actual, *expr == '\0' ? "\"\"" : expr))));
    }
}

// The shared JSON reader quotes every offending value one way: JSON text, invalid UTF-8
// replaced, cut short with the whole length named.
TEST_F(ConnectionParameters, FromJsonQuotesLongAndInvalidUtf8ValuesBounded) {
    const std::string long_path(500, 'x');
    try {
        (void)EndpointConfig::from_json(json{{"url", json::array({long_path})}});
        FAIL() << "expected a ConfigError";
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.field(), "/url");
        EXPECT_LE(error.actual().size(), 120U);
        EXPECT_THAT(error.actual(), HasSubstr("... (504 bytes)"));
    }
    EXPECT_THAT(
        [] {
            (void)EndpointConfig::from_json(
                json{{"insecure_skip_verify", std::string("\xff\xfe")}});
        },
        ThrowsConfigError("goldenpath.config", "/insecure_skip_verify",
                          "\"\xEF\xBF\xBD\xEF\xBF\xBD\""));
}

TEST_F(ConnectionParameters, FromJsonReadsEveryKey) {
    const std::string ca = WriteFile("ca.pem", "pem");
    const std::string profile = WriteFile("profile.json", "{}");
    json document = json::parse(R"({
        "url": "ws://127.0.0.1:8000/ws",
        "fallback_urls": ["wss://b.example.com/ws"],
        "tokens": ["tok-a", "tok-b"],
        "insecure_skip_verify": true,
        "environment": "Staging",
        "timeouts_ms": {"connect": 250, "linger": 0},
        "retry": {"max_attempts": 5, "jitter": 0},
        "headers": {"Origin": "https://app.example.com"}})");
    document["ca_file"] = ca;
    document["profile"] = profile;
    const EndpointConfig config = EndpointConfig::from_json(document);
    EXPECT_EQ(config.url, Url::build("ws", "127.0.0.1", 8000, "/ws"));
    EXPECT_THAT(config.fallback_urls, ElementsAre(Url::parse("wss://b.example.com/ws")));
    EXPECT_THAT(config.tokens, ElementsAre(Secret("tok-a"), Secret("tok-b")));
    EXPECT_EQ(config.ca_file, std::filesystem::path(ca));
    EXPECT_TRUE(config.insecure_skip_verify);  // together with ca_file: allowed
    EXPECT_EQ(config.environment, DeploymentEnvironment::staging);
    EXPECT_EQ(config.timeouts.connect, 250ms);
    EXPECT_EQ(config.retry.max_attempts, 5);
    EXPECT_EQ(config.retry.jitter, 0.0);
    EXPECT_EQ(config.profile_path, std::filesystem::path(profile));
    EXPECT_THAT(config.extra_headers, ElementsAre(std::pair<std::string, std::string>(
                                          "Origin", "https://app.example.com")));
}

TEST_F(ConnectionParameters, FromJsonReadsTransportSettingsAndClientCertificate) {
    const std::string certificate = WriteFile("client.pem", "pem");
    const std::string key = WriteFile("client.key", "key");
    json document = json::parse(R"({"url": "wss://127.0.0.1:8443/ws",
        "max_message_bytes": 1024, "keepalive_ms": 250, "permessage_deflate": true,
        "max_events_per_run": 5000})");
    document["client_certificate_file"] = certificate;
    document["client_key_file"] = key;
    const EndpointConfig config = EndpointConfig::from_json(document);
    EXPECT_EQ(config.client_certificate_file, std::filesystem::path(certificate));
    EXPECT_EQ(config.client_key_file, std::filesystem::path(key));
    EXPECT_EQ(config.max_message_bytes, 1024U);
    EXPECT_EQ(config.max_events_per_run, 5000U);
    EXPECT_EQ(config.keepalive, 250ms);
    EXPECT_TRUE(config.permessage_deflate);

    const ConnectRequest request = connect_request_for(config, default_profile(), 0, config.url);
    EXPECT_EQ(request.client_certificate_file, config.client_certificate_file);
    EXPECT_EQ(request.client_key_file, config.client_key_file);
    EXPECT_EQ(request.max_message_bytes, 1024U);
    EXPECT_EQ(request.keepalive, 250ms);
    EXPECT_TRUE(request.permessage_deflate);
}

TEST_F(ConnectionParameters, TransportSettingsDefaultToTheClientsDefaults) {
    const EndpointConfig config = EndpointConfig::from_json(json{{"url", "ws://127.0.0.1/ws"}});
    const ConnectRequest request = connect_request_for(config, default_profile(), 0, config.url);
    EXPECT_EQ(request.max_message_bytes, ConnectRequest{}.max_message_bytes);
    EXPECT_FALSE(request.keepalive.has_value());
    EXPECT_FALSE(request.permessage_deflate);
    EXPECT_FALSE(request.client_certificate_file.has_value());
}

TEST_F(ConnectionParameters, BadTransportSettingsNameTheKeyAndValue) {
    const auto with = [](json extra) {
        extra["url"] = "ws://127.0.0.1/ws";
        return [extra] { (void)EndpointConfig::from_json(extra); };
    };
    EXPECT_THAT(with(json{{"keepalive_ms", 0}}),
                ThrowsConfigError("goldenpath.config", "/keepalive_ms", "0"));
    EXPECT_THAT(with(json{{"max_message_bytes", -1}}),
                ThrowsConfigError("goldenpath.config", "/max_message_bytes", "-1"));
    EXPECT_THAT(with(json{{"permessage_deflate", "yes"}}),
                ThrowsConfigError("goldenpath.config", "/permessage_deflate", "\"yes\""));
    const std::string missing = Missing("client.pem");
    EXPECT_THAT(with(json{{"client_certificate_file", missing}}),
                ThrowsConfigError("goldenpath.config", "/client_certificate_file", missing));
    const std::string key = WriteFile("only.key", "key");
    EXPECT_THAT(with(json{{"client_key_file", key}}),
                ThrowsConfigError("goldenpath.config", "/client_key_file", "\"" + key + "\""));
}

TEST_F(ConnectionParameters, ClientCertificateFromTheEnvironment) {
    const std::string certificate = WriteFile("client.pem", "pem");
    const std::string key = WriteFile("client.key", "key");
    const EndpointConfig config = EndpointConfig::from_environment(
        StagingEnvironment({{"GOLDENPATH_CLIENT_CERTIFICATE_FILE", certificate},
                            {"GOLDENPATH_CLIENT_KEY_FILE", key}}));
    EXPECT_EQ(config.client_certificate_file, std::filesystem::path(certificate));
    EXPECT_EQ(config.client_key_file, std::filesystem::path(key));
    const std::string missing = Missing("nope.pem");
    EXPECT_THAT(
        [&] {
            (void)EndpointConfig::from_environment(
                StagingEnvironment({{"GOLDENPATH_CLIENT_CERTIFICATE_FILE", missing}}));
        },
        ThrowsConfigError("goldenpath.env", "GOLDENPATH_CLIENT_CERTIFICATE_FILE", missing));
}

TEST_F(ConnectionParameters, FromJsonRejectsUnknownKeysAndNonObjects) {
    EXPECT_THAT(
        [] {
            (void)EndpointConfig::from_json(json{{"urll", "ws://h/ws"}});
        },
        ThrowsMessage<ConfigError>(
            StrEq("[goldenpath.config] (/urll) must be a known key (url, fallback_urls, token, "
                  "tokens, token_file, ca_file, insecure_skip_verify, environment, timeouts_ms, "
                  "retry, profile, headers, client_certificate_file, client_key_file, "
                  "max_message_bytes, keepalive_ms, permessage_deflate, proxy, no_proxy, "
                  "max_events_per_run), but is \"urll\"")));
    EXPECT_THAT(
        [] {
            (void)EndpointConfig::from_json(json{{"timeouts_ms", {{"conect", 5}}}});
        },
        ThrowsConfigError("goldenpath.config", "/timeouts_ms/conect", "\"conect\""));
    EXPECT_THAT(
        [] {
            (void)EndpointConfig::from_json(json{{"url", {{"hots", "h"}}}});
        },
        ThrowsConfigError("goldenpath.config", "/url/hots", "\"hots\""));
    EXPECT_THAT([] { (void)EndpointConfig::from_json(json::array()); },
                ThrowsConfigError("goldenpath.config", "", "[]"));
}

TEST_F(ConnectionParameters, FromJsonUrlObjectNamesTheMemberPointer) {
    EXPECT_THAT(
        [] {
            (void)EndpointConfig::from_json(
                json::parse(R"({"url":{"host":"127.0.0.1","port":70000}})"));
        },
        ThrowsMessage<ConfigError>(
            StrEq("[goldenpath.config] (/url/port) must be 1-65535, but is 70000")));
    EXPECT_THAT([] { (void)EndpointConfig::from_json(json::parse(R"({"url":{"port":8000}})")); },
                ThrowsConfigError("goldenpath.config", "/url/host", "\"\""));
    EXPECT_THAT(
        [] {
            (void)EndpointConfig::from_json(json::parse(R"({"url":{"host":"h","port":"8000"}})"));
        },
        ThrowsConfigError("goldenpath.config", "/url/port", "\"8000\""));
    const EndpointConfig config = EndpointConfig::from_json(
        json::parse(R"({"url":{"scheme":"wss","host":"::1","path":"/api/v1/websocket"}})"));
    EXPECT_EQ(config.url.to_string(), "wss://[::1]/api/v1/websocket");
}

TEST_F(ConnectionParameters, FromJsonUrlObjectTakesHttpsWithItsDefaultPort) {
    const EndpointConfig https = EndpointConfig::from_json(
        json::parse(R"({"url":{"scheme":"https","host":"agents.example.com","path":"/agent"}})"));
    EXPECT_EQ(https.url.port, 443);
    EXPECT_EQ(https.url.to_string(), "https://agents.example.com/agent");
    const EndpointConfig http = EndpointConfig::from_json(
        json::parse(R"({"url":"http://127.0.0.1:8000/agent?stream=golden"})"));
    EXPECT_TRUE(http.url.event_stream());
    EXPECT_FALSE(http.url.tls());
}

TEST_F(ConnectionParameters, FromJsonNamesTheFieldOfAWrongType) {
    EXPECT_THAT(
        [] {
            (void)EndpointConfig::from_json(json{{"insecure_skip_verify", 1}});
        },
        ThrowsConfigError("goldenpath.config", "/insecure_skip_verify", "1"));
    EXPECT_THAT(
        [] {
            (void)EndpointConfig::from_json(json{{"headers", {{"Bad Name", "v"}}}});
        },
        ThrowsConfigError("goldenpath.config", "/headers/Bad Name", "\"Bad Name\""));
    EXPECT_THAT(
        [] {
            (void)EndpointConfig::from_json(json{{"environment", "prod"}});
        },
        ThrowsConfigError("goldenpath.config", "/environment", "prod"));
}

TEST_F(ConnectionParameters, ToStringSummarisesTheSettings) {
    const test::ScopedTimeoutScale unscaled(std::nullopt);
    EndpointConfig config = EndpointConfig::from_environment(StagingEnvironment(
        {{"GOLDENPATH_ENV", "staging"}, {"GOLDENPATH_FALLBACK_URLS", "ws://127.0.0.1:9000/ws"}}));
    config.tokens = {Secret("tok-a"), Secret("tok-b")};
    const std::string text = config.to_string();
    EXPECT_THAT(text, HasSubstr(std::string("url: ") + primary_url + "\n"));
    EXPECT_THAT(text, HasSubstr("fallback_urls: ws://127.0.0.1:9000/ws\n"));
    EXPECT_THAT(text, HasSubstr("tokens: *** (2 tokens)\n"));
    EXPECT_THAT(text, HasSubstr("environment: staging\n"));
    EXPECT_THAT(text, HasSubstr("completion=30000"));
    EXPECT_THAT(text, HasSubstr("max_attempts=3"));
}

// ---- EnvironmentDetection ----------------------------------------------------------------

TEST(EnvironmentDetection, DefaultsToDevelopment) {
    const EndpointConfig config = EndpointConfig::from_environment(StagingEnvironment());
    EXPECT_EQ(config.environment, DeploymentEnvironment::development);
    EXPECT_EQ(config.timeouts, Timeouts::defaults_for(DeploymentEnvironment::development));
    EXPECT_EQ(config.retry, RetryPolicy::defaults_for(DeploymentEnvironment::development));
}

TEST(EnvironmentDetection, ParsesEachEnvironmentCaseInsensitively) {
    EXPECT_EQ(parse_environment("development", "GOLDENPATH_ENV"),
              DeploymentEnvironment::development);
    EXPECT_EQ(parse_environment("Staging", "GOLDENPATH_ENV"), DeploymentEnvironment::staging);
    EXPECT_EQ(parse_environment("PRODUCTION", "GOLDENPATH_ENV"), DeploymentEnvironment::production);
}

TEST(EnvironmentDetection, NamesRoundTrip) {
    for (const auto environment :
         {DeploymentEnvironment::development, DeploymentEnvironment::staging,
          DeploymentEnvironment::production}) {
        EXPECT_EQ(parse_environment(to_string(environment), "x"), environment);
        EXPECT_EQ(testing::PrintToString(environment), to_string(environment));
    }
    EXPECT_EQ(to_string(DeploymentEnvironment::staging), "staging");
}

TEST(EnvironmentDetection, RejectsUnknownEnvironments) {
    EXPECT_THAT([] { (void)parse_environment("prod", "GOLDENPATH_ENV"); },
                ThrowsMessage<ConfigError>(
                    StrEq("[goldenpath.env] (GOLDENPATH_ENV) must be development, staging or "
                          "production, but is prod")));
    EXPECT_THAT(
        [] {
            (void)EndpointConfig::from_environment(StagingEnvironment({{"GOLDENPATH_ENV", "qa"}}));
        },
        ThrowsConfigError("goldenpath.env", "GOLDENPATH_ENV", "qa"));
}

TEST(EnvironmentDetection, EnvironmentSelectsTimeoutAndRetryDefaults) {
    for (const auto& [name, environment] :
         {std::pair{"staging", DeploymentEnvironment::staging},
          std::pair{"production", DeploymentEnvironment::production}}) {
        SCOPED_TRACE(name);
        const EndpointConfig config =
            EndpointConfig::from_environment(StagingEnvironment({{"GOLDENPATH_ENV", name}}));
        EXPECT_EQ(config.environment, environment);
        EXPECT_EQ(config.timeouts, Timeouts::defaults_for(environment));
        EXPECT_EQ(config.retry, RetryPolicy::defaults_for(environment));
    }
}

// ---- ErrorHandlingConfiguration: timeouts, retries and backoff per environment ----------

class ErrorHandlingConfiguration : public ConfigFilesTest {
    test::ScopedTimeoutScale unscaled_{std::nullopt};  // the documented defaults, unscaled
};

TEST_F(ErrorHandlingConfiguration, DevelopmentTimeouts) {
    const Timeouts t = Timeouts::defaults_for(DeploymentEnvironment::development);
    EXPECT_EQ(t.connect, 1000ms);
    EXPECT_EQ(t.tls, 1000ms);
    EXPECT_EQ(t.upgrade, 1000ms);
    EXPECT_EQ(t.ready, 1000ms);
    EXPECT_EQ(t.first_event, 2000ms);
    EXPECT_EQ(t.completion, 10000ms);
    EXPECT_EQ(t.max_gap, 5000ms);
    EXPECT_EQ(t.close, 500ms);
    EXPECT_EQ(t.linger, 0ms);
}

TEST_F(ErrorHandlingConfiguration, StagingAndProductionTimeouts) {
    const Timeouts staging = Timeouts::defaults_for(DeploymentEnvironment::staging);
    EXPECT_EQ(staging.connect, 5000ms);
    EXPECT_EQ(staging.tls, 5000ms);
    EXPECT_EQ(staging.upgrade, 5000ms);
    EXPECT_EQ(staging.ready, 5000ms);
    EXPECT_EQ(staging.first_event, 10000ms);
    EXPECT_EQ(staging.completion, 30000ms);
    EXPECT_EQ(staging.max_gap, 15000ms);
    EXPECT_EQ(staging.close, 1000ms);
    EXPECT_EQ(staging.linger, 0ms);

    Timeouts production = Timeouts::defaults_for(DeploymentEnvironment::production);
    EXPECT_EQ(production.completion, 60000ms);
    EXPECT_EQ(production.max_gap, 30000ms);
    production.completion = staging.completion;
    production.max_gap = staging.max_gap;
    EXPECT_EQ(production, staging);  // the rest is as in staging
}

TEST_F(ErrorHandlingConfiguration, RetryDefaultsPerEnvironment) {
    const RetryPolicy development = RetryPolicy::defaults_for(DeploymentEnvironment::development);
    EXPECT_EQ(development.max_attempts, 1);
    EXPECT_EQ(development.initial_backoff, 100ms);
    EXPECT_EQ(development.multiplier, 2.0);
    EXPECT_EQ(development.max_backoff, 2000ms);
    EXPECT_EQ(development.jitter, 0.2);
    EXPECT_EQ(development.overall_deadline, 10000ms);

    const RetryPolicy staging = RetryPolicy::defaults_for(DeploymentEnvironment::staging);
    EXPECT_EQ(staging.max_attempts, 3);
    EXPECT_EQ(staging.initial_backoff, 250ms);
    EXPECT_EQ(staging.max_backoff, 4000ms);
    EXPECT_EQ(staging.overall_deadline, 30000ms);

    const RetryPolicy production = RetryPolicy::defaults_for(DeploymentEnvironment::production);
    EXPECT_EQ(production.max_attempts, 3);
    EXPECT_EQ(production.initial_backoff, 500ms);
    EXPECT_EQ(production.max_backoff, 8000ms);
    EXPECT_EQ(production.overall_deadline, 60000ms);
}

TEST_F(ErrorHandlingConfiguration, BackoffGrowsGeometricallyUpToTheMaximum) {
    const RetryPolicy staging = RetryPolicy::defaults_for(DeploymentEnvironment::staging);
    EXPECT_EQ(staging.backoff_before(0), 0ms);
    EXPECT_EQ(staging.backoff_before(-1), 0ms);
    EXPECT_EQ(staging.backoff_before(1), 250ms);
    EXPECT_EQ(staging.backoff_before(2), 500ms);
    EXPECT_EQ(staging.backoff_before(3), 1000ms);
    EXPECT_EQ(staging.backoff_before(4), 2000ms);
    EXPECT_EQ(staging.backoff_before(5), 4000ms);
    EXPECT_EQ(staging.backoff_before(6), 4000ms);
    EXPECT_EQ(staging.backoff_before(100000), 4000ms);  // no overflow

    RetryPolicy custom;
    custom.initial_backoff = 100ms;
    custom.multiplier = 1.5;
    custom.max_backoff = 1000ms;
    EXPECT_EQ(custom.backoff_before(3), 225ms);
    custom.multiplier = 1.0;
    EXPECT_EQ(custom.backoff_before(50), 100ms);
}

TEST_F(ErrorHandlingConfiguration, OverridesApplyAfterTheEnvironmentDefaults) {
    const EndpointConfig config = EndpointConfig::from_environment(
        StagingEnvironment({{"GOLDENPATH_TIMEOUT_MS", "1234"}, {"GOLDENPATH_ENV", "production"}}));
    EXPECT_EQ(config.timeouts.completion, 1234ms);
    EXPECT_EQ(config.timeouts.max_gap, 30000ms);  // production's, untouched

    const EndpointConfig from_json = EndpointConfig::from_json(json::parse(R"({
        "timeouts_ms": {"connect": 250},
        "retry": {"max_attempts": 5, "multiplier": 3},
        "environment": "staging"})"));
    EXPECT_EQ(from_json.timeouts.connect, 250ms);
    EXPECT_EQ(from_json.timeouts.tls, 5000ms);
    EXPECT_EQ(from_json.retry.max_attempts, 5);
    EXPECT_EQ(from_json.retry.multiplier, 3.0);
    EXPECT_EQ(from_json.retry.initial_backoff, 250ms);
}

TEST_F(ErrorHandlingConfiguration, JsonTimeoutsAndRetriesNameTheBadMember) {
    EXPECT_THAT(
        [] { (void)EndpointConfig::from_json(json::parse(R"({"timeouts_ms":{"connect":-5}})")); },
        ThrowsMessage<ConfigError>(
            StrEq("[goldenpath.config] (/timeouts_ms/connect) must be a positive integer, but "
                  "is -5")));
    EXPECT_THAT(
        [] { (void)EndpointConfig::from_json(json::parse(R"({"timeouts_ms":{"tls":"5"}})")); },
        ThrowsConfigError("goldenpath.config", "/timeouts_ms/tls", "\"5\""));
    EXPECT_THAT(
        [] { (void)EndpointConfig::from_json(json::parse(R"({"timeouts_ms":{"ready":1.5}})")); },
        ThrowsConfigError("goldenpath.config", "/timeouts_ms/ready", "1.5"));
    EXPECT_THAT(
        [] { (void)EndpointConfig::from_json(json::parse(R"({"timeouts_ms":{"linger":-1}})")); },
        ThrowsConfigError("goldenpath.config", "/timeouts_ms/linger", "-1"));
    EXPECT_THAT([] { (void)EndpointConfig::from_json(json::parse(R"({"retry":{"jitter":1.5}})")); },
                ThrowsConfigError("goldenpath.config", "/retry/jitter", "1.5"));
    EXPECT_THAT(
        [] { (void)EndpointConfig::from_json(json::parse(R"({"retry":{"max_attempts":0}})")); },
        ThrowsConfigError("goldenpath.config", "/retry/max_attempts", "0"));
    EXPECT_THAT(
        [] { (void)EndpointConfig::from_json(json::parse(R"({"retry":{"multiplier":0.5}})")); },
        ThrowsConfigError("goldenpath.config", "/retry/multiplier", "0.5"));
}

TEST_F(ErrorHandlingConfiguration, ValidateAcceptsTheDefaultsAndLingerZero) {
    EndpointConfig config;
    config.url = Url::parse("ws://127.0.0.1:8000/ws");
    EXPECT_NO_THROW(config.validate());
    config.ca_file = WriteFile("ca.pem", "pem");
    config.insecure_skip_verify = true;  // both set: allowed
    EXPECT_NO_THROW(config.validate());
}

TEST_F(ErrorHandlingConfiguration, ValidateNamesTheFirstInvalidField) {
    const auto rejects = [](const std::function<void(EndpointConfig&)>& change,
                            const std::string& field, const std::string& actual) {
        EndpointConfig config;
        change(config);
        EXPECT_THAT([&] { config.validate(); },
                    ThrowsConfigError("goldenpath.config", field, actual));
    };
    rejects([](EndpointConfig& c) { c.retry.max_attempts = 0; }, "/retry/max_attempts", "0");
    rejects([](EndpointConfig& c) { c.retry.jitter = 1.5; }, "/retry/jitter", "1.5");
    rejects([](EndpointConfig& c) { c.retry.jitter = -0.1; }, "/retry/jitter", "-0.1");
    rejects([](EndpointConfig& c) { c.retry.multiplier = 0.5; }, "/retry/multiplier", "0.5");
    rejects([](EndpointConfig& c) { c.timeouts.connect = 0ms; }, "/timeouts_ms/connect", "0");
    rejects([](EndpointConfig& c) { c.timeouts.max_gap = -1ms; }, "/timeouts_ms/max_gap", "-1");
    rejects([](EndpointConfig& c) { c.timeouts.linger = -1ms; }, "/timeouts_ms/linger", "-1");
    const std::string missing = Missing("ca.pem");
    rejects([&](EndpointConfig& c) { c.ca_file = missing; }, "/ca_file", missing);
}

// ---- FallbackConfiguration ---------------------------------------------------------------

TEST(FallbackConfiguration, CandidatesArePrimaryThenFallbacksInOrder) {
    const EndpointConfig config = EndpointConfig::from_environment(StagingEnvironment(
        {{"GOLDENPATH_FALLBACK_URLS",
          "wss://b.example.com/ws, ws://127.0.0.1:9000/ws ,wss://[::1]/api/v1/websocket"}}));
    EXPECT_THAT(config.candidate_urls(),
                ElementsAre(Url::parse(primary_url), Url::parse("wss://b.example.com/ws"),
                            Url::parse("ws://127.0.0.1:9000/ws"),
                            Url::parse("wss://[::1]/api/v1/websocket")));
}

TEST(FallbackConfiguration, WithoutFallbacksOnlyThePrimaryIsTried) {
    const EndpointConfig config = EndpointConfig::from_environment(StagingEnvironment());
    EXPECT_THAT(config.candidate_urls(), ElementsAre(Url::parse(primary_url)));
}

TEST(FallbackConfiguration, EmptyEntriesAreSkipped) {
    const EndpointConfig config = EndpointConfig::from_environment(
        StagingEnvironment({{"GOLDENPATH_FALLBACK_URLS", "ws://a/ws,, ,ws://b/ws,"}}));
    EXPECT_THAT(config.fallback_urls,
                ElementsAre(Url::parse("ws://a/ws"), Url::parse("ws://b/ws")));
}

TEST(FallbackConfiguration, BadEntryNamesTheVariableAndTheEntry) {
    EXPECT_THAT(
        [] {
            (void)EndpointConfig::from_environment(
                StagingEnvironment({{"GOLDENPATH_FALLBACK_URLS", "wss://ok/ws, ftp://bad/ws"}}));
        },
        ThrowsMessage<ConfigError>(
            StrEq("[goldenpath.env] (GOLDENPATH_FALLBACK_URLS) entry 2 must start with ws://, "
                  "wss://, http:// or https://, but is ftp://bad/ws")));
    EXPECT_THAT(
        [] {
            (void)EndpointConfig::from_environment(
                StagingEnvironment({{"GOLDENPATH_FALLBACK_URLS", "ws://h:99999/ws"}}));
        },
        ThrowsConfigError("goldenpath.env", "GOLDENPATH_FALLBACK_URLS", "ws://h:99999/ws"));
}

TEST(FallbackConfiguration, JsonFallbacksAcceptStringsAndObjects) {
    const EndpointConfig config = EndpointConfig::from_json(json::parse(R"({
        "url": "wss://a.example.com/ws",
        "fallback_urls": ["wss://b.example.com/ws", {"host": "127.0.0.1", "port": 9000}]})"));
    EXPECT_THAT(config.candidate_urls(), ElementsAre(Url::parse("wss://a.example.com/ws"),
                                                     Url::parse("wss://b.example.com/ws"),
                                                     Url::parse("ws://127.0.0.1:9000/ws")));
    EXPECT_THAT(
        [] {
            (void)EndpointConfig::from_json(
                json::parse(R"({"fallback_urls": ["ws://ok/ws", "ftp://bad/ws"]})"));
        },
        ThrowsConfigError("goldenpath.config", "/fallback_urls/1", "ftp://bad/ws"));
    EXPECT_THAT(
        [] {
            (void)EndpointConfig::from_json(
                json::parse(R"({"fallback_urls": [{"host": "h", "port": 0}]})"));
        },
        ThrowsConfigError("goldenpath.config", "/fallback_urls/0/port", "0"));
}

// ---- ProxyConfiguration ------------------------------------------------------------------

TEST(ProxyConfiguration, ProxyUrlIsHttpHostAndPort) {
    const Url proxy = parse_proxy_url("http://proxy.corp.example:3128", "/proxy");
    EXPECT_EQ(proxy.scheme, "http");
    EXPECT_EQ(proxy.host, "proxy.corp.example");
    EXPECT_EQ(proxy.port, 3128);
    EXPECT_EQ(proxy.to_string(), "http://proxy.corp.example:3128");
    EXPECT_EQ(parse_proxy_url("HTTP://[::1]:8080/", "/proxy").to_string(), "http://[::1]:8080");
    EXPECT_EQ(parse_proxy_url("127.0.0.1:3128", "/proxy").to_string(), "http://127.0.0.1:3128");
    EXPECT_EQ(parse_proxy_url("http://proxy", "/proxy").port, 80);
}

TEST(ProxyConfiguration, BadProxyUrlsNameTheFieldAndTheValue) {
    EXPECT_THAT([] { (void)parse_proxy_url("https://proxy:443", "https_proxy"); },
                ThrowsConfigError("goldenpath.env", "https_proxy", "https://proxy:443"));
    EXPECT_THAT([] { (void)parse_proxy_url("socks5://proxy:1080", "/proxy"); },
                ThrowsConfigError("goldenpath.config", "/proxy", "socks5://proxy:1080"));
    EXPECT_THAT([] { (void)parse_proxy_url("http://proxy:3128/path", "/proxy"); },
                ThrowsConfigError("goldenpath.config", "/proxy", "http://proxy:3128/path"));
    EXPECT_THAT([] { (void)parse_proxy_url("http://proxy:99999", "/proxy"); },
                ThrowsConfigError("goldenpath.config", "/proxy", "http://proxy:99999"));
    EXPECT_THAT([] { (void)parse_proxy_url("http://", "/proxy"); },
                ThrowsConfigError("goldenpath.config", "/proxy", "http://"));
}

TEST(ProxyConfiguration, UserInformationIsRejectedWithoutQuotingTheCredentials) {
    try {
        (void)parse_proxy_url("http://alice:s3cret-pw@proxy:3128", "HTTP_PROXY");
        FAIL() << "a proxy URL with user:password must be rejected";
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.field(), "HTTP_PROXY");
        EXPECT_EQ(error.actual(), "http://***@proxy:3128");
        EXPECT_THAT(error.what(), HasSubstr("must not carry user information"));
        EXPECT_THAT(error.what(), Not(HasSubstr("s3cret-pw")));
        EXPECT_THAT(error.what(), Not(HasSubstr("alice")));
    }
    // The scheme check must not quote the credentials either.
    try {
        (void)parse_proxy_url("https://alice:s3cret-pw@proxy:3128", "https_proxy");
        FAIL() << "an https:// proxy must be rejected";
    } catch (const ConfigError& error) {
        EXPECT_THAT(error.what(), Not(HasSubstr("s3cret-pw")));
    }
}

TEST(ProxyConfiguration, EnvironmentPicksTheProxyVariableOfTheUrlScheme) {
    // primary_url is wss://: https_proxy applies, http_proxy does not.
    const EndpointConfig tls = EndpointConfig::from_environment(StagingEnvironment(
        {{"https_proxy", "http://tls-proxy:3128"}, {"http_proxy", "http://plain-proxy:3128"}}));
    ASSERT_TRUE(tls.proxy);
    EXPECT_EQ(tls.proxy->host, "tls-proxy");

    const EndpointConfig plain = EndpointConfig::from_environment(
        FakeEnvironment({{"GOLDENPATH_STAGING_URL", "ws://127.0.0.1:8000/ws"},
                         {"https_proxy", "http://tls-proxy:3128"},
                         {"HTTP_PROXY", "http://plain-proxy:3128"}}));
    ASSERT_TRUE(plain.proxy);
    EXPECT_EQ(plain.proxy->host, "plain-proxy");

    EXPECT_FALSE(EndpointConfig::from_environment(StagingEnvironment()).proxy);
    EXPECT_FALSE(
        EndpointConfig::from_environment(StagingEnvironment({{"http_proxy", "http://p:1"}})).proxy);
}

TEST(ProxyConfiguration, LowerCaseVariablesWinOverUpperCase) {
    const EndpointConfig config =
        EndpointConfig::from_environment(StagingEnvironment({{"https_proxy", "http://lower:3128"},
                                                             {"HTTPS_PROXY", "http://upper:3128"},
                                                             {"no_proxy", "lower.example"},
                                                             {"NO_PROXY", "upper.example"}}));
    ASSERT_TRUE(config.proxy);
    EXPECT_EQ(config.proxy->host, "lower");
    EXPECT_THAT(config.no_proxy, ElementsAre("lower.example"));
}

TEST(ProxyConfiguration, EnvironmentErrorsNameTheVariable) {
    EXPECT_THAT(
        [] {
            (void)EndpointConfig::from_environment(
                StagingEnvironment({{"HTTPS_PROXY", "ftp://proxy:21"}}));
        },
        ThrowsConfigError("goldenpath.env", "HTTPS_PROXY", "ftp://proxy:21"));
    EXPECT_THAT(
        [] {
            (void)EndpointConfig::from_environment(
                StagingEnvironment({{"no_proxy", "localhost, bad host"}}));
        },
        ThrowsConfigError("goldenpath.env", "no_proxy", "bad host"));
    EXPECT_THAT(
        [] {
            (void)EndpointConfig::from_environment(
                StagingEnvironment({{"NO_PROXY", "example.com:0"}}));
        },
        ThrowsConfigError("goldenpath.env", "NO_PROXY", "example.com:0"));
}

TEST(ProxyConfiguration, NoProxyListIsTrimmedLowerCasedAndSkipsEmptyEntries) {
    EXPECT_THAT(parse_no_proxy(" localhost, .Example.COM,,[::1]:8443 ,10.0.0.1,*", "no_proxy"),
                ElementsAre("localhost", ".example.com", "[::1]:8443", "10.0.0.1", "*"));
    EXPECT_THAT(parse_no_proxy("", "no_proxy"), testing::IsEmpty());
}

TEST(ProxyConfiguration, JsonProxyAndNoProxy) {
    const EndpointConfig config = EndpointConfig::from_json(json::parse(R"({
        "url": "wss://a.example.com/ws", "proxy": "http://127.0.0.1:3128",
        "no_proxy": ["localhost", ".internal.example"]})"));
    ASSERT_TRUE(config.proxy);
    EXPECT_EQ(config.proxy->to_string(), "http://127.0.0.1:3128");
    EXPECT_THAT(config.no_proxy, ElementsAre("localhost", ".internal.example"));
    EXPECT_THAT(
        EndpointConfig::from_json(json::parse(R"({"no_proxy": "a.example, b.example"})")).no_proxy,
        ElementsAre("a.example", "b.example"));
    EXPECT_FALSE(EndpointConfig::from_json(json::parse(R"({"proxy": null})")).proxy);
    EXPECT_THAT(config.to_string(),
                HasSubstr("proxy: http://127.0.0.1:3128 no_proxy: localhost,.internal.example"));
}

TEST(ProxyConfiguration, JsonErrorsNameThePointer) {
    EXPECT_THAT([] { (void)EndpointConfig::from_json(json::parse(R"({"proxy": 3128})")); },
                ThrowsConfigError("goldenpath.config", "/proxy", "3128"));
    EXPECT_THAT(
        [] { (void)EndpointConfig::from_json(json::parse(R"({"proxy": "wss://p:1/ws"})")); },
        ThrowsConfigError("goldenpath.config", "/proxy", "wss://p:1/ws"));
    EXPECT_THAT(
        [] { (void)EndpointConfig::from_json(json::parse(R"({"no_proxy": ["ok", "a/b"]})")); },
        ThrowsConfigError("goldenpath.config", "/no_proxy/1", "a/b"));
    EXPECT_THAT([] { (void)EndpointConfig::from_json(json::parse(R"({"no_proxy": 7})")); },
                ThrowsConfigError("goldenpath.config", "/no_proxy", "7"));
}

TEST(ProxyConfiguration, ValidateRejectsAProxyThatIsNoHttpUrl) {
    EndpointConfig config;
    config.url = Url::parse("ws://127.0.0.1:8000/ws");
    config.proxy = Url::parse("ws://127.0.0.1:3128/ws");
    EXPECT_THAT([&] { config.validate(); },
                ThrowsConfigError("goldenpath.config", "/proxy", "ws://127.0.0.1:3128/ws"));
}

TEST(BypassesProxy, StarMatchesEveryHost) {
    EXPECT_TRUE(bypasses_proxy(Url::parse("wss://any.example.com/ws"), {"*"}));
    EXPECT_TRUE(bypasses_proxy(Url::parse("ws://[::1]:9/ws"), {"other", "*"}));
}

TEST(BypassesProxy, NamesMatchThemselvesAndSubdomainsCaseInsensitively) {
    const std::vector<std::string> no_proxy{"example.com"};
    EXPECT_TRUE(bypasses_proxy(Url::parse("wss://example.com/ws"), no_proxy));
    EXPECT_TRUE(bypasses_proxy(Url::parse("wss://Agents.EXAMPLE.com/ws"), no_proxy));
    EXPECT_FALSE(bypasses_proxy(Url::parse("wss://notexample.com/ws"), no_proxy));
    EXPECT_FALSE(bypasses_proxy(Url::parse("wss://example.com.evil.net/ws"), no_proxy));
    EXPECT_TRUE(bypasses_proxy(Url::parse("wss://example.com/ws"), {".example.com"}));
    EXPECT_TRUE(bypasses_proxy(Url::parse("wss://a.b.example.com/ws"), {".Example.com"}));
}

TEST(BypassesProxy, IpLiteralsMatchOnlyThemselves) {
    EXPECT_TRUE(bypasses_proxy(Url::parse("ws://127.0.0.1:8000/ws"), {"127.0.0.1"}));
    EXPECT_FALSE(bypasses_proxy(Url::parse("ws://127.0.0.10:8000/ws"), {"127.0.0.1"}));
    EXPECT_FALSE(bypasses_proxy(Url::parse("ws://1.127.0.0.1.nip.io/ws"), {"127.0.0.1"}));
    EXPECT_TRUE(bypasses_proxy(Url::parse("ws://[::1]:8000/ws"), {"::1"}));
    EXPECT_TRUE(bypasses_proxy(Url::parse("ws://[::1]:8000/ws"), {"[::1]"}));
    EXPECT_FALSE(bypasses_proxy(Url::parse("ws://[::2]:8000/ws"), {"::1"}));
}

TEST(BypassesProxy, AnEntryWithAPortMatchesOnlyThatPort) {
    EXPECT_TRUE(bypasses_proxy(Url::parse("wss://example.com/ws"), {"example.com:443"}));
    EXPECT_FALSE(bypasses_proxy(Url::parse("wss://example.com:8443/ws"), {"example.com:443"}));
    EXPECT_TRUE(bypasses_proxy(Url::parse("ws://[::1]:8000/ws"), {"[::1]:8000"}));
    EXPECT_FALSE(bypasses_proxy(Url::parse("ws://[::1]:8001/ws"), {"[::1]:8000"}));
}

TEST(BypassesProxy, LoopbackIsNotBypassedImplicitlyAndInvalidEntriesMatchNothing) {
    EXPECT_FALSE(bypasses_proxy(Url::parse("ws://127.0.0.1:8000/ws"), {}));
    EXPECT_FALSE(bypasses_proxy(Url::parse("ws://localhost:8000/ws"), {"example.com"}));
    EXPECT_FALSE(bypasses_proxy(Url::parse("ws://localhost:8000/ws"), {"local host", "*:80"}));
}

TEST(BypassesProxy, ConnectRequestCarriesTheProxyUnlessTheTargetIsBypassed) {
    EndpointConfig config;
    config.url = Url::parse("ws://127.0.0.1:8000/ws");
    config.fallback_urls = {Url::parse("ws://agents.example.com/ws")};
    config.proxy = parse_proxy_url("http://127.0.0.1:3128", "/proxy");
    config.no_proxy = {"127.0.0.1"};

    EXPECT_FALSE(connect_request_for(config, default_profile(), 0, config.url).proxy);
    const ConnectRequest proxied =
        connect_request_for(config, default_profile(), 0, config.fallback_urls[0]);
    ASSERT_TRUE(proxied.proxy);
    EXPECT_EQ(proxied.proxy->to_string(), "http://127.0.0.1:3128");
    config.proxy.reset();
    EXPECT_FALSE(connect_request_for(config, default_profile(), 0, config.fallback_urls[0]).proxy);
}

}  // namespace
}  // namespace goldenpath
