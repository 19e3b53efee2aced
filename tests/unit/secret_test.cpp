// Self-contained check: the header under test comes first (docs/architecture.md).
#include "goldenpath/secret.hpp"

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goldenpath/config_error.hpp"
#include "goldenpath/endpoint_config.hpp"
#include "goldenpath/fixtures/fake_environment.hpp"
#include "goldenpath/fixtures/temporary_directory.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/load_run.hpp"
#include "goldenpath/url.hpp"

namespace goldenpath {
namespace {

using nlohmann::json;
using testing::AllOf;
using testing::HasSubstr;
using testing::Not;

// ---- SecretRedaction ---------------------------------------------------------------------

TEST(SecretRedaction, RedactReplacesEveryOccurrence) {
    EXPECT_EQ(redact("a tok b tok c", "tok"), "a *** b *** c");
    EXPECT_EQ(redact("toktok", "tok"), "******");
    EXPECT_EQ(redact("nothing here", "tok"), "nothing here");
    EXPECT_EQ(redact("**", "*"), "******");  // the mask itself is not searched again
}

TEST(SecretRedaction, EmptySecretLeavesTheTextUnchanged) {
    EXPECT_EQ(redact("a tok b", ""), "a tok b");
    EXPECT_EQ(redact("", ""), "");
}

TEST(SecretRedaction, RedactUrlTokenReplacesOnlyTheTokenValue) {
    EXPECT_EQ(redact_url_token("wss://h/ws?token=abc.def&v=1"), "wss://h/ws?token=***&v=1");
    EXPECT_EQ(redact_url_token("wss://h/ws?v=1&token=abc"), "wss://h/ws?v=1&token=***");
    EXPECT_EQ(redact_url_token("wss://h/ws?token=a&token=b"), "wss://h/ws?token=***&token=***");
    EXPECT_EQ(redact_url_token("token=abc&v=1"), "token=***&v=1");  // a bare query
    EXPECT_EQ(redact_url_token("ws://h/ws?TOKEN=abc#frag"), "ws://h/ws?TOKEN=***#frag");
    EXPECT_EQ(redact_url_token("ws://h/ws?token="), "ws://h/ws?token=***");
}

TEST(SecretRedaction, RedactUrlTokenMatchesWholeParameterNamesOnly) {
    EXPECT_EQ(redact_url_token("ws://h/ws?mytoken=abc"), "ws://h/ws?mytoken=abc");
    EXPECT_EQ(redact_url_token("ws://h/ws?tokens=abc"), "ws://h/ws?tokens=abc");
    EXPECT_EQ(redact_url_token("ws://h/token=abc"), "ws://h/token=abc");  // a path, not a query
    EXPECT_EQ(redact_url_token("ws://h/ws?key=abc&v=1", "key"), "ws://h/ws?key=***&v=1");
}

TEST(SecretRedaction, SecretPrintsRedactedEverywhere) {
    const Secret secret("eyJ-very-secret");
    EXPECT_EQ(secret.reveal(), "eyJ-very-secret");
    EXPECT_EQ(to_string(secret), "***");
    EXPECT_EQ(fmt::format("{}", secret), "***");
    std::ostringstream stream;
    stream << secret;
    EXPECT_EQ(stream.str(), "***");
    EXPECT_EQ(testing::PrintToString(secret), "***");
    EXPECT_EQ(testing::PrintToString(std::vector<Secret>{secret}), "{ *** }");
}

TEST(SecretRedaction, EmptyAndEquality) {
    EXPECT_TRUE(Secret().empty());
    EXPECT_FALSE(Secret("x").empty());
    EXPECT_EQ(Secret("x"), Secret("x"));
    EXPECT_NE(Secret("x"), Secret("y"));
}

// ---- SecretsNeverLeak: tokens from env, JSON and files never reach errors or summaries ----

constexpr std::string_view token = "tok-5f2c9a1e-never-print-me";

using Variables = fixtures::EnvironmentVariables;
using fixtures::FakeEnvironment;

// The message of the ConfigError `action` throws; a test failure when it throws none.
std::string ConfigErrorMessage(const std::function<void()>& action) {
    try {
        action();
    } catch (const ConfigError& error) {
        EXPECT_THAT(error.actual(), Not(HasSubstr(token)));
        return error.what();
    }
    ADD_FAILURE() << "no ConfigError thrown";
    return {};
}

class SecretsNeverLeak : public testing::Test {
  protected:
    std::string WriteFile(const std::string& name, const std::string& content) const {
        return directory_.write_file(name, content);
    }

    const std::string secret_{token};

  private:
    fixtures::TemporaryDirectory directory_{"goldenpath-secret-test"};
};

TEST_F(SecretsNeverLeak, EnvironmentTokenNeverAppearsInErrors) {
    const std::string file = WriteFile("tokens.txt", secret_ + "\n");
    const std::vector<Variables> broken = {
        {{"GOLDENPATH_STAGING_URL", "ws://h:80a/ws?token=" + secret_}},
        {{"GOLDENPATH_STAGING_URL", "ftp://h/ws?token=" + secret_}},
        // Defence in depth: the token under another parameter name is still scrubbed.
        {{"GOLDENPATH_STAGING_URL", "ws://h/ws?access_token=" + secret_ + "#x"},
         {"GOLDENPATH_TOKEN", secret_}},
        {{"GOLDENPATH_STAGING_URL", "ws://h/ws"},
         {"GOLDENPATH_FALLBACK_URLS", "ws://h/ws?auth=" + secret_ + " x"},
         {"GOLDENPATH_TOKEN", secret_}},
        {{"GOLDENPATH_STAGING_URL", "ws://h/ws"},
         {"GOLDENPATH_TOKEN", secret_},
         {"GOLDENPATH_USERS", "0"}},
        {{"GOLDENPATH_STAGING_URL", "ws://h/ws"},
         {"GOLDENPATH_TOKEN", secret_},
         {"GOLDENPATH_SLA", "p95.connect<" + secret_}},
        {{"GOLDENPATH_STAGING_URL", "ws://h/ws"},
         {"GOLDENPATH_TOKEN", secret_},
         {"GOLDENPATH_TOKEN_FILE", file}},
        {{"GOLDENPATH_STAGING_URL", "ws://h/ws"}, {"GOLDENPATH_TOKEN", secret_ + " extra"}},
        {{"GOLDENPATH_TOKEN", secret_}},
    };
    // The load's variables (GOLDENPATH_USERS, GOLDENPATH_SLA) are read after the endpoint's, by
    // LoadRunOptions and by LoadSettings for the probe and the staging fixture.
    for (std::size_t i = 0; i < broken.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_THAT(ConfigErrorMessage([&] {
                        (void)LoadRunOptions::from_environment(FakeEnvironment(broken[i]));
                    }),
                    AllOf(HasSubstr("[goldenpath."), Not(HasSubstr(secret_))));
    }
    EndpointConfig endpoint;
    endpoint.tokens = {Secret(secret_)};
    EXPECT_THAT(ConfigErrorMessage([&] {
                    (void)LoadSettings::from_environment(
                        FakeEnvironment({{"GOLDENPATH_SLA", "success>=99%;" + secret_}}), endpoint);
                }),
                AllOf(HasSubstr("(GOLDENPATH_SLA)"), Not(HasSubstr(secret_))));
}

TEST_F(SecretsNeverLeak, JsonTokenNeverAppearsInErrors) {
    const std::vector<json> broken = {
        json{{"token", secret_}, {"users", 0}},
        json{{"token", secret_}, {"sla", {"success>=99%", "p95.connect<" + secret_}}},
        json{{"token", secret_}, {"sla", secret_}},
        json{{"token", secret_ + " x"}},
        json{{"token", secret_}, {"tokens", json::array({secret_})}},
        json{{"tokens", json::array({secret_, 5})}},
        json{{"tokens", secret_}},
        json{{"token", json::array({secret_})}},
        json{{"token", secret_}, {"url", "ws://h/ws?key=" + secret_ + "#f"}},
        json{{"token", secret_}, {"url", json{{"host", "h"}, {"path", "/" + secret_ + " x"}}}},
        json{{"headers", json{{"Authorization", "Bearer " + secret_ + "\r\nX: 1"}}}},
        json{{"headers", json{{"Authorization", 5}}}},
    };
    for (std::size_t i = 0; i < broken.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_THAT(ConfigErrorMessage([&] { (void)LoadRunOptions::from_json(broken[i]); }),
                    AllOf(HasSubstr("[goldenpath.config]"), Not(HasSubstr(secret_))));
    }
}

TEST_F(SecretsNeverLeak, TokenFileContentNeverAppearsInErrors) {
    const std::string bad_line = WriteFile("bad.txt", "ok-token\n" + secret_ + " trailing\n");
    const std::string message = ConfigErrorMessage([&] {
        (void)EndpointConfig::from_environment(FakeEnvironment(
            {{"GOLDENPATH_STAGING_URL", "ws://h/ws"}, {"GOLDENPATH_TOKEN_FILE", bad_line}}));
    });
    EXPECT_THAT(message, AllOf(HasSubstr("GOLDENPATH_TOKEN_FILE"), HasSubstr(bad_line),
                               HasSubstr("line 2"), Not(HasSubstr(secret_))));
    EXPECT_THAT(ConfigErrorMessage([&] { (void)read_token_file(bad_line, "/token_file"); }),
                Not(HasSubstr(secret_)));
}

TEST_F(SecretsNeverLeak, SummariesNeverShowTokens) {
    const std::string file = WriteFile("tokens.txt", secret_ + "\nsecond-token\nthird-token\n");
    const EndpointConfig from_file = EndpointConfig::from_environment(
        FakeEnvironment({{"GOLDENPATH_STAGING_URL", "wss://h/ws?token=" + secret_},
                         {"GOLDENPATH_FALLBACK_URLS", "ws://f/" + secret_ + "/ws"},
                         {"GOLDENPATH_TOKEN_FILE", file}}));
    EXPECT_THAT(from_file.to_string(),
                AllOf(HasSubstr("tokens: *** (3 tokens)"), Not(HasSubstr(secret_)),
                      Not(HasSubstr("second-token")), Not(HasSubstr("third-token"))));

    const EndpointConfig from_env = EndpointConfig::from_environment(
        FakeEnvironment({{"GOLDENPATH_STAGING_URL", "ws://h/ws"}, {"GOLDENPATH_TOKEN", secret_}}));
    EXPECT_THAT(from_env.to_string(),
                AllOf(HasSubstr("tokens: *** (1 token)"), Not(HasSubstr(secret_))));

    json document = {{"url", "ws://h/ws?access_token=" + secret_}, {"token", secret_}};
    document["headers"] = {{"Authorization", "Bearer " + secret_}, {"X-Api-Key", "other-key"}};
    const EndpointConfig from_json = EndpointConfig::from_json(document);
    EXPECT_THAT(from_json.to_string(), AllOf(Not(HasSubstr(secret_)), Not(HasSubstr("other-key")),
                                             HasSubstr("Authorization: ***")));
    // The wire still gets the real token.
    const ConnectRequest request =
        connect_request_for(from_json, default_profile(), 0, from_json.url);
    EXPECT_THAT(request.headers, testing::Contains(std::pair<std::string, std::string>(
                                     "Authorization", "Bearer " + secret_)));
}

TEST_F(SecretsNeverLeak, UrlSummaryNeverShowsTheQueryToken) {
    const Url url = Url::parse("wss://h/ws?v=1&token=" + secret_);
    EXPECT_THAT(url.to_string(), Not(HasSubstr(secret_)));
    EXPECT_THAT(testing::PrintToString(url), Not(HasSubstr(secret_)));
    EXPECT_THAT(url.target(), HasSubstr(secret_));
}

}  // namespace
}  // namespace goldenpath
