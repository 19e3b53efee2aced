// Self-contained check: the header under test comes first (docs/architecture.md).
#include "goldenpath/redactor.hpp"

#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goldenpath/config_error.hpp"
#include "goldenpath/endpoint_config.hpp"
#include "goldenpath/fixtures/fake_environment.hpp"
#include "goldenpath/fixtures/mock_websocket_client.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/secret.hpp"
#include "goldenpath/url.hpp"

namespace goldenpath {
namespace {

using fixtures::closed_result;
using fixtures::frame_result;
using fixtures::MockWebSocketClient;
using testing::_;
using testing::HasSubstr;
using testing::Not;
using testing::Return;

// Every character that needs escaping somewhere: JSON (" \), URLs (& + / space), XML (& < ' "),
// and non-ASCII.
const std::string kToken = "Qx7\"Vb\\Kp&Zm+Wj/\xc3\xb1 9Hq<3R't";

// The first 4-byte piece of any form of kToken found in `text`, empty when there is none.
std::string leaked_piece(std::string_view text, const std::string& token = kToken) {
    for (const std::string& form : Redactor::forms_of(token)) {
        for (std::size_t i = 0; i + Redactor::kMinPartial <= form.size(); ++i) {
            const std::string piece = form.substr(i, Redactor::kMinPartial);
            if (text.find(piece) != std::string_view::npos) {
                return piece;
            }
        }
    }
    return {};
}

std::string json_form(std::string_view text) {
    const std::string dumped = nlohmann::json(std::string(text)).dump();
    return dumped.substr(1, dumped.size() - 2);
}

// ---- Redactor ----------------------------------------------------------------------------

TEST(Redactor, ReplacesTheRawAndEveryEscapedForm) {
    const Redactor redactor({kToken});
    const std::vector<std::string> texts = {
        "raw " + kToken + " end",
        R"({"message":")" + json_form(kToken) + R"("})",
        nlohmann::json(kToken).dump(-1, ' ', true),  // \u00f1
        "GET /ws?token=" + percent_encode(kToken) + " HTTP/1.1",
        "<failure message=\"Qx7&quot;Vb\\Kp&amp;Zm+Wj/\xc3\xb1 9Hq&lt;3R&apos;t\"/>",
        nlohmann::json(nlohmann::json(kToken).dump()).dump(),  // JSON inside JSON
    };
    for (const std::string& text : texts) {
        const std::string redacted = redactor.redact(text);
        EXPECT_THAT(redacted, HasSubstr("***")) << text;
        EXPECT_EQ(leaked_piece(redacted), "") << redacted;
    }
}

TEST(Redactor, RedactsEverySecretItHolds) {
    const Redactor redactor({"first-secret", "second-secret"});
    EXPECT_EQ(redactor.redact("a first-secret b second-secret c"), "a *** b *** c");
    EXPECT_TRUE(Redactor().empty());
    EXPECT_EQ(Redactor().redact("first-secret"), "first-secret");
}

TEST(Redactor, TheMaskIsNotSearchedAgain) {
    EXPECT_EQ(Redactor({"*"}).redact("**"), "******");
    EXPECT_EQ(Redactor({"ab", "b*"}).redact("abab"), "******");
}

TEST(Redactor, ExcerptRedactsBeforeCuttingAtEveryOffset) {
    const Redactor redactor({kToken});
    constexpr std::size_t kCut = 200;
    for (std::size_t offset = kCut - kToken.size() - 8; offset <= kCut + 2; ++offset) {
        const std::string body =
            std::string(offset, 'x') + "Bearer " + kToken + " trailing text of the body";
        const std::string excerpt = redactor.excerpt(body, kCut);
        EXPECT_LE(excerpt.size(), kCut);
        EXPECT_EQ(leaked_piece(excerpt), "") << "offset " << offset << ": " << excerpt;
    }
}

TEST(Redactor, ExcerptKeepsUtf8Whole) {
    const std::string excerpt = Redactor({"unrelated-secret"}).excerpt("ab\xc3\xb1", 3);
    EXPECT_EQ(excerpt, "ab");
}

TEST(Redactor, RedactExcerptRemovesPiecesAtEdgesAndEllipses) {
    const Redactor redactor({"TOKEN_SECRET_ZX8"});
    EXPECT_EQ(redactor.redact_excerpt("body: Bearer TOKEN_SECRET_ZX"), "body: Bearer ***");
    EXPECT_EQ(redactor.redact_excerpt("CRET_ZX8 rest"), "*** rest");
    EXPECT_EQ(redactor.redact_excerpt("{tool_name: TOKEN_SEC..., status: ok}"),
              "{tool_name: ***..., status: ok}");
    // Shorter than kMinPartial, or not at an edge: kept.
    EXPECT_EQ(redactor.redact_excerpt("TOK and TOKEN_ in the middle"),
              "TOK and TOKEN_ in the middle");
}

// ---- URLs --------------------------------------------------------------------------------

TEST(UrlSecrets, PercentEncodeKeepsOnlyUnreservedCharacters) {
    EXPECT_EQ(percent_encode("a-b_c.d~e"), "a-b_c.d~e");
    EXPECT_EQ(percent_encode("a&b+c/d=e f\xc3\xb1"), "a%26b%2Bc%2Fd%3De%20f%C3%B1");
    EXPECT_EQ(percent_decode("a%26b%2Bc%2fd%3De%20f%C3%B1"), "a&b+c/d=e f\xc3\xb1");
    EXPECT_EQ(percent_decode("100%"), "100%");
    EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
}

TEST(UrlSecrets, QueryValuesFindsSecretNamedParametersIgnoringCase) {
    EXPECT_EQ(query_values("v=1&API_KEY=k1&token=t%2B1&Password=", default_secret_query_params()),
              (std::vector<std::string>{"k1", "t%2B1", ""}));
    EXPECT_TRUE(query_values("monkey=1&tokens=2", default_secret_query_params()).empty());
}

TEST(UrlSecrets, ToStringRedactsEverySecretNamedParameter) {
    const Url url = Url::parse("ws://h/ws?v=2&api_key=k-123&Access_Token=a-456&jwt=j-789&x=1");
    EXPECT_EQ(url.to_string(), "ws://h/ws?v=2&api_key=***&Access_Token=***&jwt=***&x=1");
}

TEST(UrlSecrets, UserInformationIsRedacted) {
    EXPECT_EQ(redact_url_userinfo("ws://user:hunter2@h/ws"), "ws://***@h/ws");
    EXPECT_EQ(redact_url_userinfo("ws://user:pa/ss@h/ws"), "ws://***@h/ws");
    EXPECT_EQ(redact_url_userinfo("ws://h/ws?mail=a@b"), "ws://h/ws?mail=a@b");
    EXPECT_EQ(redact_url_userinfo("ws://h:80/ws"), "ws://h:80/ws");
}

// Item 4: the configuration error quoted the whole URL, password included.
TEST(UrlSecrets, ConfigurationErrorsNeverQuoteAPassword) {
    for (const char* url : {"ws://user:hunter2@h.example/ws", "ws://user:hunter2@h.example/ws#frag",
                            "ws://user:hun/ter2@h.example/ws", "ftp://user:hunter2@h.example/ws",
                            "ws://user:hunter2@h.example/ws?token=hunter2 x"}) {
        try {
            (void)EndpointConfig::from_environment(
                fixtures::FakeEnvironment({{"GOLDENPATH_STAGING_URL", url}}));
            ADD_FAILURE() << url << " was accepted";
        } catch (const ConfigError& error) {
            EXPECT_THAT(error.what(), Not(HasSubstr("hunter2"))) << url;
            EXPECT_THAT(error.what(), Not(HasSubstr("hun"))) << url;
        }
    }
}

// ---- Journeys ----------------------------------------------------------------------------

JourneyOptions options_with_token(const std::string& token) {
    JourneyOptions options;
    options.config.url = Url::parse("ws://127.0.0.1:8080/ws");
    options.config.tokens = {Secret(token)};
    options.thread_id = "thread-1";
    options.run_id = "run-1";
    return options;
}

std::string everything(const JourneyResult& result) {
    std::string text = result.to_string() + result.to_json().dump();
    for (const auto& frame : result.frames) {
        text += frame;
    }
    if (result.failure) {
        const Failure& f = *result.failure;
        text += f.to_string() + f.detail + f.message + f.error_type + f.close_reason + f.excerpt +
                f.body_excerpt + f.rule;
    }
    return text;
}

// Item 1: a server that echoes the token inside an event put it in every output.
TEST(JourneyRedaction, TokenEchoedInAnAgentErrorIsRedactedEverywhere) {
    MockWebSocketClient client;
    EXPECT_CALL(client, connect(_)).WillOnce(Return(std::nullopt));
    EXPECT_CALL(client, send_text(_)).WillOnce(Return(std::nullopt));
    const std::string echoed = json_form("Bearer " + kToken);
    EXPECT_CALL(client, receive(_))
        .WillOnce(Return(frame_result(R"({"type":"connection_established"})")))
        .WillOnce(Return(frame_result(R"({"type":"agent_started","agent_name":")" + echoed +
                                      R"(","run_id":")" + echoed + R"("})")))
        .WillOnce(Return(
            frame_result(R"({"type":"agent_error","message":"bad token )" + echoed + R"("})")));
    EXPECT_CALL(client, close(_, _, _)).WillOnce(Return(std::vector<ReceivedFrame>{}));

    const auto result = GoldenPathJourney(options_with_token(kToken)).run(client);

    ASSERT_FALSE(result.passed());
    EXPECT_EQ(leaked_piece(everything(result)), "") << everything(result);
    EXPECT_THAT(result.to_string(), HasSubstr("***"));
}

// Item 2 for frames: the malformed frame's excerpt was cut (120 bytes) before any redaction.
TEST(JourneyRedaction, MalformedFrameExcerptHoldsNoPieceOfTheToken) {
    for (std::size_t offset = 100; offset <= 122; ++offset) {
        MockWebSocketClient client;
        EXPECT_CALL(client, connect(_)).WillOnce(Return(std::nullopt));
        EXPECT_CALL(client, send_text(_)).WillOnce(Return(std::nullopt));
        EXPECT_CALL(client, receive(_))
            .WillOnce(Return(frame_result(R"({"type":"connection_established"})")))
            .WillOnce(Return(frame_result(std::string(offset, '[') + kToken)));
        EXPECT_CALL(client, close(_, _, _)).WillRepeatedly(Return(std::vector<ReceivedFrame>{}));

        const auto result = GoldenPathJourney(options_with_token(kToken)).run(client);

        ASSERT_TRUE(result.failure);
        EXPECT_EQ(result.failure->kind, FailureKind::malformed_frame);
        EXPECT_EQ(leaked_piece(everything(result)), "") << offset << ": " << everything(result);
    }
}

// Item 2 for summaries: a field value is cut at 40 characters with "...".
TEST(JourneyRedaction, SummaryCutInsideTheTokenHoldsNoPieceOfIt) {
    const std::string token = "Zr8Kq2Lw9Xv4Jm7Pq3Tn6";
    for (std::size_t offset = 15; offset <= 40; ++offset) {
        MockWebSocketClient client;
        EXPECT_CALL(client, connect(_)).WillOnce(Return(std::nullopt));
        EXPECT_CALL(client, send_text(_)).WillOnce(Return(std::nullopt));
        EXPECT_CALL(client, receive(_))
            .WillOnce(Return(frame_result(R"({"type":"connection_established"})")))
            .WillOnce(Return(frame_result(R"({"type":"agent_started","agent_name":")" +
                                          std::string(offset, 'a') + token + R"("})")))
            .WillOnce(Return(closed_result(1011, "bye")));

        const auto result = GoldenPathJourney(options_with_token(token)).run(client);

        EXPECT_EQ(leaked_piece(everything(result), token), "")
            << offset << ": " << everything(result);
    }
}

// Item 3: the query value was appended raw: '&' and '+' corrupted the query.
TEST(JourneyRedaction, QueryTokenIsPercentEncoded) {
    JourneyOptions options = options_with_token("a&b+c=d/e");
    options.profile.auth_methods = {AuthMethod::query};
    const ConnectRequest request =
        connect_request_for(options.config, options.profile, 0, options.config.url);
    EXPECT_EQ(request.url.query, "token=a%26b%2Bc%3Dd%2Fe");
    EXPECT_THAT(request.secrets, testing::Contains("a&b+c=d/e"));
}

// Item 3: a secret-named query value of the configured URL is a secret everywhere.
TEST(JourneyRedaction, SecretQueryValuesOfTheUrlAreRedactedFromEchoes) {
    JourneyOptions options;
    options.config.url = Url::parse("ws://127.0.0.1:8080/ws?v=2&API_KEY=key%2Bvalue-77&Mode=x");
    options.thread_id = "thread-1";
    options.run_id = "run-1";
    MockWebSocketClient client;
    EXPECT_CALL(client, connect(_)).WillOnce(Return(std::nullopt));
    EXPECT_CALL(client, send_text(_)).WillOnce(Return(std::nullopt));
    EXPECT_CALL(client, receive(_))
        .WillOnce(Return(frame_result(R"({"type":"connection_established"})")))
        .WillOnce(Return(frame_result(
            R"j({"type":"agent_error","message":"GET /ws?v=2&API_KEY=key%2Bvalue-77 (key+value-77)"})j")));
    EXPECT_CALL(client, close(_, _, _)).WillOnce(Return(std::vector<ReceivedFrame>{}));

    const auto result = GoldenPathJourney(std::move(options)).run(client);

    EXPECT_THAT(everything(result), Not(HasSubstr("value-77")));
}

TEST(JourneyRedaction, ProfileListsTheSecretQueryParameters) {
    EXPECT_EQ(default_profile().secret_query_params, default_secret_query_params());
    const auto profile = profile_from_json({{"secret_query_params", {"sig"}}});
    EXPECT_EQ(profile.secret_query_params, std::vector<std::string>{"sig"});
    EXPECT_EQ(to_json(profile)["secret_query_params"], nlohmann::json::array({"sig"}));
    EXPECT_THROW((void)profile_from_json({{"secret_query_params", "sig"}}), ConfigError);
}

}  // namespace
}  // namespace goldenpath
