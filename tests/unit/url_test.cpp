// Self-contained check: the header under test comes first (docs/architecture.md).
#include "goldenpath/url.hpp"

#include <stdexcept>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/config_error.hpp"

namespace goldenpath {
namespace {

using testing::AllOf;
using testing::HasSubstr;
using testing::Not;
using testing::Property;
using testing::StrEq;
using testing::Throws;
using testing::ThrowsMessage;

// Matches a callable that throws a ConfigError with this id, field and quoted value.
auto ThrowsConfigError(const std::string& id, const std::string& field, const std::string& actual) {
    return Throws<ConfigError>(AllOf(Property(&ConfigError::id, id),
                                     Property(&ConfigError::field, field),
                                     Property(&ConfigError::actual, actual)));
}

// ---- UrlConstruction: parse and build, ws and wss, IPv6, default ports, query, paths ---------

TEST(UrlConstruction, ParsesWsWithDefaultPortAndRootPath) {
    const Url url = Url::parse("ws://localhost");
    EXPECT_EQ(url.scheme, "ws");
    EXPECT_EQ(url.host, "localhost");
    EXPECT_EQ(url.port, 80);
    EXPECT_EQ(url.path, "/");
    EXPECT_EQ(url.query, "");
    EXPECT_FALSE(url.tls());
    EXPECT_EQ(url.to_string(), "ws://localhost/");
}

TEST(UrlConstruction, ParsesWssWithDefaultPort443) {
    const Url url = Url::parse("wss://agents.example.com/ws");
    EXPECT_EQ(url.scheme, "wss");
    EXPECT_EQ(url.port, 443);
    EXPECT_TRUE(url.tls());
    EXPECT_EQ(url.to_string(), "wss://agents.example.com/ws");
}

TEST(UrlConstruction, ParsesHttpAsAnEventStreamWithoutTls) {
    const Url url = Url::parse("http://127.0.0.1:8000/agent?stream=golden");
    EXPECT_EQ(url.scheme, "http");
    EXPECT_EQ(url.port, 8000);
    EXPECT_EQ(url.target(), "/agent?stream=golden");
    EXPECT_FALSE(url.tls());
    EXPECT_TRUE(url.event_stream());
    EXPECT_EQ(url.to_string(), "http://127.0.0.1:8000/agent?stream=golden");
}

TEST(UrlConstruction, ParsesHttpWithDefaultPort80) {
    const Url url = Url::parse("HTTP://agents.example.com");
    EXPECT_EQ(url.scheme, "http");
    EXPECT_EQ(url.port, 80);
    EXPECT_EQ(url.path, "/");
    EXPECT_EQ(url.to_string(), "http://agents.example.com/");
}

TEST(UrlConstruction, ParsesHttpsWithDefaultPort443AndTls) {
    const Url url = Url::parse("https://agents.example.com/agent");
    EXPECT_EQ(url.scheme, "https");
    EXPECT_EQ(url.port, 443);
    EXPECT_TRUE(url.tls());
    EXPECT_TRUE(url.event_stream());
    EXPECT_EQ(url.to_string(), "https://agents.example.com/agent");
    EXPECT_EQ(Url::parse("https://h:8443/a").to_string(), "https://h:8443/a");
}

TEST(UrlConstruction, WebSocketSchemesAreNoEventStream) {
    EXPECT_FALSE(Url::parse("ws://h/ws").event_stream());
    EXPECT_FALSE(Url::parse("wss://h/ws").event_stream());
}

TEST(UrlConstruction, BuildsHttpAndHttps) {
    const Url http = Url::build("http", "127.0.0.1", 8000, "/agent?stream=golden");
    EXPECT_EQ(http.scheme, "http");
    EXPECT_EQ(http.query, "stream=golden");
    EXPECT_FALSE(http.tls());
    const Url https = Url::build("HTTPS", "::1", 443, "/agent");
    EXPECT_EQ(https.scheme, "https");
    EXPECT_TRUE(https.tls());
    EXPECT_EQ(https.to_string(), "https://[::1]/agent");
}

TEST(UrlConstruction, HttpQueryTokenIsRedacted) {
    EXPECT_EQ(Url::parse("https://h/agent?token=s3cr3t-value").to_string(),
              "https://h/agent?token=***");
}

TEST(UrlConstruction, ParsesExplicitPortAndNestedPath) {
    const Url url = Url::parse("ws://127.0.0.1:8080/api/v1/websocket");
    EXPECT_EQ(url.host, "127.0.0.1");
    EXPECT_EQ(url.port, 8080);
    EXPECT_EQ(url.path, "/api/v1/websocket");
    EXPECT_EQ(url.target(), "/api/v1/websocket");
    EXPECT_EQ(url.to_string(), "ws://127.0.0.1:8080/api/v1/websocket");
}

TEST(UrlConstruction, ParsesBracketedIpv6Literal) {
    const Url url = Url::parse("ws://[::1]:9000/ws");
    EXPECT_EQ(url.host, "::1");
    EXPECT_EQ(url.port, 9000);
    EXPECT_EQ(url.host_for_header(), "[::1]");
    EXPECT_EQ(url.to_string(), "ws://[::1]:9000/ws");

    const Url tls = Url::parse("wss://[2001:db8::7]/ws");
    EXPECT_EQ(tls.host, "2001:db8::7");
    EXPECT_EQ(tls.port, 443);
    EXPECT_EQ(tls.to_string(), "wss://[2001:db8::7]/ws");
}

TEST(UrlConstruction, HostForHeaderLeavesNamesAndIpv4Alone) {
    EXPECT_EQ(Url::parse("ws://localhost:8080/ws").host_for_header(), "localhost");
    EXPECT_EQ(Url::parse("ws://10.0.0.1/ws").host_for_header(), "10.0.0.1");
}

TEST(UrlConstruction, KeepsQueryWithoutQuestionMark) {
    const Url url = Url::parse("wss://h.example/ws?v=2&mode=chat");
    EXPECT_EQ(url.path, "/ws");
    EXPECT_EQ(url.query, "v=2&mode=chat");
    EXPECT_EQ(url.target(), "/ws?v=2&mode=chat");
    EXPECT_EQ(url.to_string(), "wss://h.example/ws?v=2&mode=chat");
}

TEST(UrlConstruction, QueryWithoutPathGetsRootPath) {
    const Url url = Url::parse("ws://h.example?x=1");
    EXPECT_EQ(url.path, "/");
    EXPECT_EQ(url.query, "x=1");
    EXPECT_EQ(url.target(), "/?x=1");
}

TEST(UrlConstruction, SchemeIsCaseInsensitive) {
    EXPECT_EQ(Url::parse("WSS://h.example/ws").scheme, "wss");
    EXPECT_EQ(Url::parse("Ws://h.example/ws").scheme, "ws");
}

TEST(UrlConstruction, ToStringOmitsOnlyTheSchemesDefaultPort) {
    EXPECT_EQ(Url::build("ws", "h", 80, "/ws").to_string(), "ws://h/ws");
    EXPECT_EQ(Url::build("wss", "h", 443, "/ws").to_string(), "wss://h/ws");
    EXPECT_EQ(Url::build("wss", "h", 80, "/ws").to_string(), "wss://h:80/ws");
    EXPECT_EQ(Url::build("ws", "h", 443, "/ws").to_string(), "ws://h:443/ws");
}

TEST(UrlConstruction, BuildEqualsParseOfTheSameUrl) {
    EXPECT_EQ(Url::build("wss", "agents.example.com", 443, "/api/v1/websocket"),
              Url::parse("wss://agents.example.com/api/v1/websocket"));
    EXPECT_EQ(Url::build("ws", "127.0.0.1", 8000, "/ws"), Url::parse("ws://127.0.0.1:8000/ws"));
}

TEST(UrlConstruction, BuildDefaultsToWsPath) {
    const Url url = Url::build("ws", "127.0.0.1", 8000);
    EXPECT_EQ(url.path, "/ws");
    EXPECT_EQ(url.to_string(), "ws://127.0.0.1:8000/ws");
}

TEST(UrlConstruction, BuildAcceptsIpv6WithOrWithoutBrackets) {
    EXPECT_EQ(Url::build("ws", "[::1]", 9000).host, "::1");
    EXPECT_EQ(Url::build("ws", "::1", 9000).to_string(), "ws://[::1]:9000/ws");
}

TEST(UrlConstruction, BuildKeepsAQueryGivenWithThePath) {
    const Url url = Url::build("ws", "h", 8000, "/ws?v=2");
    EXPECT_EQ(url.path, "/ws");
    EXPECT_EQ(url.query, "v=2");
}

TEST(UrlConstruction, ToStringRedactsTheTokenButTheTargetKeepsIt) {
    const Url url = Url::parse("wss://h.example/ws?token=abc.def.ghi&v=2");
    EXPECT_EQ(url.to_string(), "wss://h.example/ws?token=***&v=2");
    EXPECT_EQ(url.target(), "/ws?token=abc.def.ghi&v=2");  // the wire needs the real token
}

TEST(UrlConstruction, PrintsAsItsRedactedString) {
    const Url url = Url::parse("ws://h.example:81/ws?token=abc");
    EXPECT_EQ(testing::PrintToString(url), "ws://h.example:81/ws?token=***");
}

// ---- PortConfigurationValidation ----------------------------------------------------------

class InvalidPort : public testing::TestWithParam<const char*> {};

TEST_P(InvalidPort, ParseRejectsThePortAndQuotesIt) {
    const std::string port = GetParam();
    const std::string text = "ws://127.0.0.1:" + port + "/ws";
    const std::string shown = port.empty() ? "\"\"" : port;
    EXPECT_THAT([&] { (void)Url::parse(text); },
                ThrowsConfigError("goldenpath.url", "/url", shown));
    EXPECT_THAT([&] { (void)Url::parse(text); },
                ThrowsMessage<ConfigError>(
                    StrEq("[goldenpath.url] (/url) must have a port of 1-65535, but is " + shown)));
}

INSTANTIATE_TEST_SUITE_P(PortConfigurationValidation, InvalidPort,
                         testing::Values("0", "65536", "70000", "80a", "-1", "", "+80",
                                         "99999999999999999999"));

TEST(PortConfigurationValidation, AcceptsOneAnd65535) {
    EXPECT_EQ(Url::parse("ws://h:1/ws").port, 1);
    EXPECT_EQ(Url::parse("ws://h:65535/ws").port, 65535);
    EXPECT_EQ(Url::build("ws", "h", 1).port, 1);
    EXPECT_EQ(Url::build("ws", "h", 65535).port, 65535);
}

TEST(PortConfigurationValidation, LeadingZerosAreDecimal) {
    EXPECT_EQ(Url::parse("ws://h:0080/ws").port, 80);
}

TEST(PortConfigurationValidation, BuildRejectsOutOfRangePortsWithExactMessage) {
    EXPECT_THAT([] { (void)Url::build("ws", "127.0.0.1", 70000); },
                ThrowsMessage<ConfigError>(
                    StrEq("[goldenpath.config] (/port) must be 1-65535, but is 70000")));
    for (const long long port : {0LL, -1LL, 65536LL, 70000LL}) {
        SCOPED_TRACE(port);
        EXPECT_THAT([&] { (void)Url::build("ws", "127.0.0.1", port); },
                    ThrowsConfigError("goldenpath.config", "/port", std::to_string(port)));
    }
}

TEST(PortConfigurationValidation, PortErrorNeverQuotesTheQueryToken) {
    EXPECT_THAT([] { (void)Url::parse("ws://h:80a/ws?token=s3cr3t-value"); },
                ThrowsMessage<ConfigError>(Not(HasSubstr("s3cr3t-value"))));
}

// ---- ConnectionFailureSimulation: invalid endpoints fail with typed errors, no network -----

class NonWebSocketUrl : public testing::TestWithParam<const char*> {};

TEST_P(NonWebSocketUrl, IsRejectedNamingTheUrlField) {
    const std::string text = GetParam();
    const std::string shown = text.empty() ? "\"\"" : text;
    EXPECT_THAT([&] { (void)Url::parse(text); },
                ThrowsMessage<ConfigError>(StrEq(
                    "[goldenpath.url] (/url) must start with ws://, wss://, http:// or https://, "
                    "but is " +
                    shown)));
}

INSTANTIATE_TEST_SUITE_P(ConnectionFailureSimulation, NonWebSocketUrl,
                         testing::Values("localhost:8000/ws", "", "ftp://h/ws", "wsx://h/ws",
                                         "ws:/h/ws", "://h/ws", "httpx://h/agent", "http:/h/agent",
                                         "sse://h/agent"));

TEST(ConnectionFailureSimulation, MissingHostIsRejected) {
    for (const char* text : {"ws://", "ws://:8080/ws", "ws:///ws", "wss://?x=1"}) {
        SCOPED_TRACE(text);
        EXPECT_THAT(
            [&] { (void)Url::parse(text); },
            Throws<ConfigError>(AllOf(Property(&ConfigError::field, "/url"),
                                      Property(&ConfigError::requirement, "must have a host"))));
    }
}

TEST(ConnectionFailureSimulation, WhitespaceAndControlCharactersAreRejected) {
    for (const char* text :
         {"ws://h/ws ", "ws://h/a b", "ws://h/ws\n", "ws://h\t/ws", " ws://h/ws"}) {
        SCOPED_TRACE(testing::PrintToString(text));
        EXPECT_THAT([&] { (void)Url::parse(text); },
                    Throws<ConfigError>(Property(&ConfigError::field, "/url")));
    }
    EXPECT_THAT([] { (void)Url::parse("ws://h/a b"); },
                ThrowsMessage<ConfigError>(HasSubstr("must not contain whitespace")));
}

TEST(ConnectionFailureSimulation, FragmentIsRejected) {
    EXPECT_THAT([] { (void)Url::parse("ws://h/ws#top"); },
                ThrowsConfigError("goldenpath.url", "/url", "ws://h/ws#top"));
}

TEST(ConnectionFailureSimulation, Ipv6WithoutBracketsIsRejected) {
    EXPECT_THAT([] { (void)Url::parse("ws://::1/ws"); },
                ThrowsMessage<ConfigError>(HasSubstr("must put IPv6 literals in brackets")));
    EXPECT_THAT([] { (void)Url::parse("ws://[::1/ws"); },
                Throws<ConfigError>(Property(&ConfigError::field, "/url")));
    EXPECT_THAT([] { (void)Url::parse("ws://[]/ws"); },
                Throws<ConfigError>(Property(&ConfigError::field, "/url")));
    EXPECT_THAT([] { (void)Url::parse("ws://[::1]x/ws"); },
                Throws<ConfigError>(Property(&ConfigError::field, "/url")));
}

TEST(ConnectionFailureSimulation, InvalidHostCharactersAreRejected) {
    EXPECT_THAT([] { (void)Url::parse("ws://bad$host/ws"); },
                ThrowsConfigError("goldenpath.url", "/url", "bad$host"));
}

TEST(ConnectionFailureSimulation, UserInformationIsRejectedWithoutQuotingIt) {
    EXPECT_THAT([] { (void)Url::parse("ws://admin:hunter2@h.example/ws"); },
                ThrowsMessage<ConfigError>(
                    AllOf(HasSubstr("user information"), Not(HasSubstr("hunter2")))));
}

TEST(ConnectionFailureSimulation, ErrorsNeverQuoteTheQueryToken) {
    for (const char* text : {"ftp://h/ws?token=s3cr3t-value", "ws://h/a b?token=s3cr3t-value",
                             "ws://h/ws?token=s3cr3t-value#f", "ws://::1/ws?v=1&token=s3cr3t-value",
                             "ws://[::1/ws?TOKEN=s3cr3t-value"}) {
        SCOPED_TRACE(text);
        EXPECT_THAT(
            [&] { (void)Url::parse(text); },
            ThrowsMessage<ConfigError>(AllOf(Not(HasSubstr("s3cr3t-value")), HasSubstr("=***"))));
    }
}

TEST(ConnectionFailureSimulation, BuildNamesTheFieldOfEachInvalidPart) {
    EXPECT_THAT([] { (void)Url::build("ftp", "h", 80, "/ws"); },
                ThrowsMessage<ConfigError>(StrEq(
                    "[goldenpath.config] (/scheme) must be ws, wss, http or https, but is ftp")));
    EXPECT_THAT([] { (void)Url::build("ws", "", 80, "/ws"); },
                ThrowsConfigError("goldenpath.config", "/host", "\"\""));
    EXPECT_THAT([] { (void)Url::build("ws", "bad host", 80, "/ws"); },
                ThrowsConfigError("goldenpath.config", "/host", "bad host"));
    EXPECT_THAT([] { (void)Url::build("ws", "h", 80, "ws"); },
                ThrowsMessage<ConfigError>(
                    StrEq("[goldenpath.config] (/path) must start with '/', but is ws")));
    EXPECT_THAT([] { (void)Url::build("ws", "h", 80, "/a b"); },
                ThrowsConfigError("goldenpath.config", "/path", "/a b"));
}

TEST(ConnectionFailureSimulation, ConfigErrorIsARuntimeErrorWithItsParts) {
    const ConfigError error("goldenpath.config", "/port", "must be 1-65535", "70000");
    EXPECT_STREQ(error.what(), "[goldenpath.config] (/port) must be 1-65535, but is 70000");
    EXPECT_EQ(error.id(), "goldenpath.config");
    EXPECT_EQ(error.field(), "/port");
    EXPECT_EQ(error.requirement(), "must be 1-65535");
    EXPECT_EQ(error.actual(), "70000");
    EXPECT_THROW(throw ConfigError(error), std::runtime_error);
}

}  // namespace
}  // namespace goldenpath
