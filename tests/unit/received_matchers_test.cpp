#include "goldenpath/fixtures/received_matchers.hpp"  // first: the header is self-contained

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "explain.hpp"
#include "failures_of.hpp"
#include "goldenpath/in_memory_client.hpp"
#include "goldenpath/protocol_profile.hpp"

namespace goldenpath {
namespace {

using fixtures::BearerToken;
using fixtures::HasHeader;
using fixtures::JsonAt;
using test::explain;
using test::failures_of;
using testing::AllOf;
using testing::Contains;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::Not;
using testing::StartsWith;

const std::string kToken = "Qx7-Vb9Kp-Zm2Wj";

RecordedConnection handshake() {
    RecordedConnection connection;
    connection.id = 1;
    connection.upgraded = true;
    connection.target = "/ws?token=" + kToken + "&tenant=acme";
    connection.headers = {{"Host", "127.0.0.1:1"},
                          {"Authorization", "Bearer " + kToken},
                          {"Sec-WebSocket-Protocol", "chat, jwt-auth." + kToken},
                          {"X-Echo", "seen " + kToken}};
    connection.offered_subprotocols = {"chat", "jwt-auth." + kToken};
    return connection;
}

template <typename M>
std::string describe(const M& matcher) {
    return testing::DescribeMatcher<const RecordedConnection&>(matcher);
}

// No 4-byte piece of the token anywhere in `text`.
void expect_no_piece_of_the_token(const std::string& text) {
    for (std::size_t start = 0; start + 4 <= kToken.size(); ++start) {
        EXPECT_THAT(text, Not(HasSubstr(kToken.substr(start, 4)))) << "piece at " << start;
    }
}

const std::string kRedactedHeaders =
    "Host: 127.0.0.1:1, Authorization: Bearer ***, Sec-WebSocket-Protocol: chat, jwt-auth.***, "
    "X-Echo: seen ***";

TEST(ReceivedMatchers, HasHeaderMatchesByCaseInsensitiveNameAndValue) {
    const auto connection = handshake();
    EXPECT_THAT(connection, HasHeader("host"));
    EXPECT_THAT(connection, HasHeader("HOST", "127.0.0.1:1"));
    EXPECT_THAT(connection, HasHeader("Host", StartsWith("127.")));
    EXPECT_THAT(connection, Not(HasHeader("X-Tenant")));
    EXPECT_THAT(connection, Not(HasHeader("Host", "example.com")));
    EXPECT_EQ(describe(HasHeader("X-Tenant", "acme")),
              "has header \"X-Tenant\" whose value is equal to \"acme\"");
    EXPECT_EQ(describe(HasHeader("X-Tenant")), "has header \"X-Tenant\"");
    EXPECT_EQ(
        testing::DescribeMatcher<const RecordedConnection&>(HasHeader("X-Tenant", "acme"), true),
        "has no header \"X-Tenant\" or one whose value isn't equal to \"acme\"");
}

TEST(ReceivedMatchers, AMissingHeaderIsNamedAndTheHeadersListedRedacted) {
    const auto connection = handshake();
    EXPECT_EQ(explain(HasHeader("X-Tenant", "acme"), connection),
              "which has no header \"X-Tenant\"; its headers are: " + kRedactedHeaders);
    EXPECT_EQ(explain(HasHeader("Host", "example.com"), connection),
              "whose header \"Host\" is \"127.0.0.1:1\"");
    EXPECT_EQ(explain(HasHeader("Authorization", "Bearer wrong"), connection),
              "whose header \"Authorization\" is \"Bearer ***\"");
}

TEST(ReceivedMatchers, BearerTokenMatchesWithoutEverShowingTheToken) {
    const auto connection = handshake();
    EXPECT_THAT(connection, BearerToken(kToken));
    EXPECT_THAT(connection, BearerToken(Secret(kToken)));
    EXPECT_THAT(connection, BearerToken(StartsWith("Qx7")));
    EXPECT_THAT(connection, Not(BearerToken("other-token")));
    EXPECT_EQ(explain(BearerToken("other-token"), connection),
              "whose bearer token (15 bytes, shown as ***) does not match");
    EXPECT_EQ(describe(BearerToken(Secret(kToken))),
              "has an Authorization header with a bearer token that is equal to *** (a Secret)");
    EXPECT_EQ(describe(BearerToken("other-token")),
              "has an Authorization header with a bearer token that is equal to \"other-token\"");

    // The whole failure GoogleTest prints, the connection included, for each way to fail.
    RecordedConnection basic = handshake();
    basic.headers[1].second = "Basic " + kToken;
    RecordedConnection without = handshake();
    without.headers.erase(without.headers.begin() + 1);
    std::vector<std::string> messages;
    for (const auto& failure : failures_of([&] {
             EXPECT_THAT(connection, BearerToken("other-token"));
             EXPECT_THAT(connection, BearerToken(Secret("other-token")));
             EXPECT_THAT(connection, BearerToken(HasSubstr("zzz")));
             EXPECT_THAT(connection, Not(BearerToken(Secret(kToken))));
             EXPECT_THAT(basic, BearerToken(Secret(kToken)));
             EXPECT_THAT(without, BearerToken(Secret(kToken)));
         })) {
        messages.push_back(failure);
    }
    ASSERT_EQ(messages.size(), 6u);
    EXPECT_THAT(messages[0], AllOf(HasSubstr("Actual: connection #1 to /ws?token=***&tenant=acme "
                                             "with headers {" +
                                             kRedactedHeaders + "}"),
                                   HasSubstr("does not match")));
    EXPECT_THAT(messages[4], HasSubstr("whose Authorization header is no bearer token (scheme "
                                       "\"Basic\")"));
    EXPECT_THAT(messages[5], HasSubstr("which has no Authorization header; its headers are: "
                                       "Host: 127.0.0.1:1, Sec-WebSocket-Protocol: chat, "
                                       "jwt-auth.***, X-Echo: seen ***"));
    EXPECT_THAT(messages[3], HasSubstr("whose bearer token (15 bytes, shown as ***) matches"));
    for (const std::string& message : messages) {
        SCOPED_TRACE(message);
        expect_no_piece_of_the_token(message);
    }
}

TEST(ReceivedMatchers, JsonAtLooksIntoTheStartMessage) {
    const std::string start = default_profile().start_message("Where is order 42?", "t-1", "r-1");
    EXPECT_THAT(start, JsonAt("/payload/content", HasSubstr("order 42")));
    EXPECT_THAT(start, JsonAt("/type", "user_message"));
    const std::vector<std::string> messages = {"{}", start};
    EXPECT_THAT(messages, Contains(JsonAt("/payload/content", HasSubstr("order 42"))));
    EXPECT_EQ(testing::DescribeMatcher<const std::string&>(
                  JsonAt("/payload/content", HasSubstr("order 42"))),
              "is JSON whose /payload/content has substring \"order 42\"");
    EXPECT_EQ(explain(JsonAt("/payload/content", HasSubstr("order 7")), start),
              "whose /payload/content is \"Where is order 42?\"");
    const std::string numbers = R"({"payload":{"n":1,"m":[2]}})";
    EXPECT_THAT(numbers, AllOf(JsonAt("/payload/n", "1"), JsonAt("/payload/m", "[2]")));
    EXPECT_EQ(explain(JsonAt("/payload/contnt", "x"),
                      std::string(R"({"payload":{"content":"hi","thread_id":"t"}})")),
              "which has nothing at /payload/contnt; /payload has keys \"content\" \"thread_id\"");
    EXPECT_EQ(explain(JsonAt("/payload", "x"), std::string("{not json")), "which is not JSON");
    EXPECT_EQ(explain(JsonAt("payload", "x"), std::string("{}")),
              "which cannot be searched: \"payload\" is no JSON pointer");
    EXPECT_EQ(explain(JsonAt("/a", "x"), std::string(200, '[') + std::string(200, ']')),
              "which nests deeper than 64 levels");
}

// What the double records for a real client: its handshake and its start message.
TEST(ReceivedMatchers, OnWhatTheDoubleRecorded) {
    InMemoryClient connection;
    ConnectRequest request;
    request.url = Url::parse("ws://127.0.0.1:1/ws");
    request.headers = {{"Authorization", "Bearer " + kToken}, {"X-Tenant", "acme"}};
    ASSERT_FALSE(connection.connect(request));
    ASSERT_FALSE(
        connection.send_text(default_profile().start_message("Where is order 42?", "t-1", "r-1")));
    const RecordedConnection& recorded = connection.recorded();
    EXPECT_THAT(recorded, AllOf(HasHeader("x-tenant", "acme"), BearerToken(Secret(kToken))));
    EXPECT_THAT(recorded.received, ElementsAre(JsonAt("/payload/content", HasSubstr("order 42"))));
}

}  // namespace
}  // namespace goldenpath
