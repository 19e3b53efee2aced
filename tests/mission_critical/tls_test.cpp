// wss:// end to end: BeastClient against a TLS AgentServerDouble over real loopback sockets, with
// the per-process test CA (docs/test-authors.md) and every tls(reason) of docs/wire-contract.md.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/beast_client.hpp"
#include "goldenpath/endpoint_config.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/host_resolver.hpp"
#include "goldenpath/protocol_profile.hpp"
#include "goldenpath/script.hpp"
#include "goldenpath/timeout_scale.hpp"
#include "goldenpath/url.hpp"
#include "transport_test_support.hpp"

namespace goldenpath {
namespace {

using namespace std::chrono_literals;
using namespace goldenpath::test;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::Not;

AgentServerDoubleOptions tls_options(TlsCertificate certificate = TlsCertificate::valid) {
    AgentServerDoubleOptions options;
    options.tls = true;
    options.tls_certificate = certificate;
    return options;
}

// request_for() plus a 2 s tls deadline, trusting `ca_file` when given. Failures arrive at once;
// the deadline only has to cover loading the system CA store, which takes over 300 ms under
// ThreadSanitizer. The test of the tls timeout sets its own.
ConnectRequest tls_request_for(const std::string& url,
                               const std::optional<std::filesystem::path>& ca_file) {
    ConnectRequest request = request_for(url);
    request.timeouts.tls = 2s;
    request.ca_file = ca_file;
    return request;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Connects and expects a tls failure in phase tls; returns it.
Failure expect_tls_failure(const ConnectRequest& request, std::string_view reason) {
    BeastClient client;
    const auto failure = client.connect(request);
    if (!failure) {
        ADD_FAILURE() << "connected, but tls(" << reason << ") was expected";
        return Failure{};
    }
    EXPECT_EQ(failure->kind, FailureKind::tls) << failure->to_string();
    EXPECT_EQ(failure->phase, Phase::tls);
    EXPECT_EQ(failure->tls_reason, reason) << failure->to_string();
    EXPECT_EQ(failure->kind_label(), "tls(" + std::string(reason) + ")");
    EXPECT_FALSE(failure->retryable);
    EXPECT_EQ(failure->attempts.size(), 1U);
    return *failure;
}

TEST(Tls, TrustedCaGivesTheGoldenPathOverWss) {
    AgentServerDouble server(tls_options());
    ASSERT_THAT(server.url(), testing::StartsWith("wss://127.0.0.1:"));
    BeastClient client;
    ASSERT_TRUE(ok(client.connect(tls_request_for(server.url(), server.ca_file()))));
    EXPECT_FALSE(client.tls_verification_skipped());

    const auto& profile = default_profile();
    EXPECT_EQ(receive_json(client)["type"], profile.ready_type);
    ASSERT_TRUE(ok(client.send_text(profile.start_message("Where is my order?", "t-1", "r-1"))));
    std::vector<std::string> types;
    for (int i = 0; i < 5; ++i) {
        const auto event = receive_json(client);
        types.push_back(event.value("type", ""));
        EXPECT_EQ(event.value("run_id", ""), "r-1");
    }
    EXPECT_THAT(types, ElementsAre("agent_started", "agent_thinking", "tool_executing",
                                   "tool_completed", "agent_completed"));

    // The close handshake also runs over TLS: the server sees our code, at once.
    const auto closing = Clock::now();
    client.close(4000, "done", Clock::now() + kWait);
    EXPECT_LT(Clock::now() - closing, 300ms);
    server.stop();  // joins: everything the server saw is recorded
    EXPECT_EQ(server.connections()[0].client_close_code, std::optional<int>(4000));
}

// The double closes first: the client's answer counts as it arrives over TLS too, not once the
// double's close grace ran out (an hour here, so waiting for it would fail the test).
TEST(Tls, TheClientsAnswerToTheDoublesCloseCountsAsItArrives) {
    AgentServerDoubleOptions options = tls_options();
    options.script = Script().close(4003, "server done");
    options.close_grace = std::chrono::hours(1);
    AgentServerDouble server(options);
    BeastClient client;
    ASSERT_TRUE(ok(client.connect(tls_request_for(server.url(), server.ca_file()))));
    ASSERT_TRUE(ok(client.send_text(default_profile().start_message("hi", "t", "r"))));
    ReceiveResult result;
    for (int i = 0; i < 3 && result.status != ReceiveResult::Status::closed; ++i) {
        result = client.receive(Clock::now() + kWait);  // connection_established, then the close
    }
    ASSERT_EQ(result.status, ReceiveResult::Status::closed);
    EXPECT_EQ(server.wait_closed(1, Clock::now() + kWait), std::optional<int>(4003));
}

TEST(Tls, LocalhostIsVerifiedAgainstTheDnsNameOfTheCertificate) {
    const AgentServerDouble server(tls_options());
    auto resolver = std::make_shared<StaticResolver>();
    resolver->add("localhost", {"127.0.0.1"});
    BeastClient client(resolver);
    const std::string url = "wss://localhost:" + std::to_string(server.port()) + "/ws";
    ASSERT_TRUE(ok(client.connect(tls_request_for(url, server.ca_file()))));
    EXPECT_EQ(receive_json(client)["type"], default_profile().ready_type);
}

TEST(Tls, GoldenPathJourneyWithTheCaFileOfTheConfigPasses) {
    const AgentServerDouble server(tls_options());
    JourneyOptions options;
    options.config.url = Url::parse(server.url());
    options.config.ca_file = server.ca_file();
    options.config.timeouts.connect = 300ms;
    options.config.timeouts.tls = 300ms;
    options.config.timeouts.upgrade = 300ms;
    options.config.timeouts.ready = 300ms;
    options.config.timeouts.first_event = 300ms;
    options.config.timeouts.completion = 1s;
    GoldenPathJourney journey(options);
    const JourneyResult result = journey.run();
    EXPECT_TRUE(result.passed()) << result.to_string();
    EXPECT_EQ(result.verdict.event_count, 5U);
    EXPECT_FALSE(result.tls_verification_skipped);
    EXPECT_THAT(result.to_string(), Not(HasSubstr("SKIPPED")));
}

TEST(Tls, InsecureJourneyPassesButItsReportSaysVerificationWasSkipped) {
    const AgentServerDouble server(tls_options());
    JourneyOptions options;
    options.config.url = Url::parse(server.url());
    options.config.insecure_skip_verify = true;  // no CA file: only the opt-out lets it connect
    const JourneyResult result = GoldenPathJourney(options).run();
    ASSERT_TRUE(result.passed()) << result.to_string();
    EXPECT_TRUE(result.tls_verification_skipped);
    EXPECT_THAT(result.to_string(), HasSubstr("WARNING: TLS certificate verification was SKIPPED"));
    EXPECT_EQ(result.to_json()["tls_verification_skipped"], true);
}

TEST(Tls, WithoutTheCaFileTheSystemStoreDoesNotKnowTheCaAndItIsUnknownCa) {
    const AgentServerDouble server(tls_options());
    const Failure failure =
        expect_tls_failure(tls_request_for(server.url(), std::nullopt), "unknown_ca");
    EXPECT_THAT(failure.to_string(), HasSubstr(server.url()));
    EXPECT_THAT(failure.detail, HasSubstr("certificate verification failed"));
    EXPECT_THAT(failure.detail, Not(HasSubstr("SKIPPED")));
}

TEST(Tls, CertificateForAnotherHostIsHostnameMismatch) {
    const AgentServerDouble server(tls_options(TlsCertificate::wrong_host));
    expect_tls_failure(tls_request_for(server.url(), server.ca_file()), "hostname_mismatch");

    auto resolver = std::make_shared<StaticResolver>();
    resolver->add("localhost", {"127.0.0.1"});
    BeastClient by_name(resolver);
    const auto failure = by_name.connect(tls_request_for(
        "wss://localhost:" + std::to_string(server.port()) + "/ws", server.ca_file()));
    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(failure->kind_label(), "tls(hostname_mismatch)") << failure->to_string();
}

TEST(Tls, ExpiredCertificateIsExpired) {
    const AgentServerDouble server(tls_options(TlsCertificate::expired));
    expect_tls_failure(tls_request_for(server.url(), server.ca_file()), "expired");
}

TEST(Tls, CertificateValidFromTomorrowIsNotYetValid) {
    const AgentServerDouble server(tls_options(TlsCertificate::not_yet_valid));
    expect_tls_failure(tls_request_for(server.url(), server.ca_file()), "not_yet_valid");
}

TEST(Tls, WssToAPlainWebSocketServerIsNotTlsServer) {
    const AgentServerDouble plain;
    const AgentServerDouble tls(tls_options());
    const std::string url = "wss://127.0.0.1:" + std::to_string(plain.port()) + "/ws";
    const auto started = Clock::now();
    const Failure failure =
        expect_tls_failure(tls_request_for(url, tls.ca_file()), "not_tls_server");
    EXPECT_LT(Clock::now() - started, 300ms) << "the plain-text answer must end it at once";
    EXPECT_THAT(failure.detail, HasSubstr("try ws://"));
}

TEST(Tls, WsToATlsServerIsClosedDuringTheUpgradeWithAWssHint) {
    const AgentServerDouble server(tls_options());
    const std::string url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/ws";
    BeastClient client;
    const auto failure = client.connect(request_for(url));
    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(failure->kind, FailureKind::closed) << failure->to_string();
    EXPECT_EQ(failure->phase, Phase::upgrade);
    EXPECT_EQ(failure->close_code, 1006);
    EXPECT_THAT(failure->detail, HasSubstr("the server may speak TLS: try wss://"));
    EXPECT_THAT(failure->to_string(), HasSubstr("try wss://"));
}

TEST(Tls, ServerThatNeverAnswersTheClientHelloIsTimeoutTls) {
    const RawListener listener;
    // A private CA, not the system store: loading the store is set-up, not the TLS phase, and
    // under ThreadSanitizer it alone takes longer than the slack.
    const AgentServerDouble ca_holder(tls_options());
    auto request = tls_request_for(listener.url("wss"), ca_holder.ca_file());
    request.timeouts.tls = 150ms;
    BeastClient client;
    const auto started = Clock::now();
    const auto failure = client.connect(request);
    const auto took = Clock::now() - started;
    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(failure->kind_label(), "timeout(tls)") << failure->to_string();
    EXPECT_EQ(failure->phase, Phase::tls);
    EXPECT_TRUE(failure->retryable);
    EXPECT_GE(took, 150ms);
    EXPECT_LT(took, 150ms + scaled(Milliseconds{250}));
}

TEST(Tls, InsecureSkipVerifyConnectsDespiteUnknownCaAndWrongHostAndSaysSo) {
    const AgentServerDouble server(tls_options(TlsCertificate::wrong_host));
    auto request = tls_request_for(server.url(), std::nullopt);
    request.insecure_skip_verify = true;
    BeastClient client;
    ASSERT_TRUE(ok(client.connect(request)));
    EXPECT_TRUE(client.tls_verification_skipped());
    EXPECT_EQ(receive_json(client)["type"], default_profile().ready_type);
}

TEST(Tls, InsecureSkipVerifyIsNamedInEveryFailureDetail) {
    AgentServerDoubleOptions options = tls_options();
    options.tokens = {"good-token"};
    const AgentServerDouble server(options);
    auto request = tls_request_for(server.url(), std::nullopt);
    request.insecure_skip_verify = true;
    BeastClient client;
    const auto failure = client.connect(request);
    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(failure->kind, FailureKind::auth_rejected) << failure->to_string();
    EXPECT_TRUE(client.tls_verification_skipped());
    EXPECT_THAT(failure->to_string(), HasSubstr("TLS certificate verification was SKIPPED"));
}

TEST(Tls, VerifiedReconnectAfterAnInsecureOneNoLongerReportsSkipping) {
    const AgentServerDouble server(tls_options());
    BeastClient client;
    auto insecure = tls_request_for(server.url(), std::nullopt);
    insecure.insecure_skip_verify = true;
    ASSERT_TRUE(ok(client.connect(insecure)));
    ASSERT_TRUE(client.tls_verification_skipped());
    ASSERT_TRUE(ok(client.connect(tls_request_for(server.url(), server.ca_file()))));
    EXPECT_FALSE(client.tls_verification_skipped());
}

TEST(Tls, UnreadableCaFileIsNamedWithoutConnecting) {
    const AgentServerDouble server(tls_options());
    const std::filesystem::path missing =
        std::filesystem::temp_directory_path() / "goldenpath-no-such-ca.pem";
    const Failure failure =
        expect_tls_failure(tls_request_for(server.url(), missing), "ca_file_unreadable");
    EXPECT_THAT(failure.detail, HasSubstr(missing.string()));
    EXPECT_TRUE(server.connections().empty());
}

TEST(Tls, UnreadableClientCertificateIsNamed) {
    const AgentServerDouble server(tls_options());
    auto request = tls_request_for(server.url(), server.ca_file());
    request.client_certificate_file =
        std::filesystem::temp_directory_path() / "goldenpath-no-such-client.pem";
    const Failure failure = expect_tls_failure(request, "client_certificate_unreadable");
    EXPECT_THAT(failure.detail, HasSubstr("goldenpath-no-such-client.pem"));
}

class TlsAuth : public testing::Test {
  protected:
    static AgentServerDoubleOptions options() {
        AgentServerDoubleOptions options = tls_options();
        options.tokens = {"tok-1"};
        return options;
    }
    AgentServerDouble server_{options()};
    BeastClient client_;
};

TEST_F(TlsAuth, AcceptsTheTokenInTheAuthorizationHeader) {
    auto request = tls_request_for(server_.url(), server_.ca_file());
    request.headers.emplace_back("Authorization", "Bearer tok-1");
    request.secrets.push_back("tok-1");
    ASSERT_TRUE(ok(client_.connect(request)));
    EXPECT_EQ(receive_json(client_)["type"], default_profile().ready_type);
    EXPECT_EQ(server_.connections().at(0).header("Authorization"), "Bearer tok-1");
}

TEST_F(TlsAuth, AcceptsTheTokenAsSubprotocol) {
    auto request = tls_request_for(server_.url(), server_.ca_file());
    request.subprotocols.push_back("jwt-auth.tok-1");
    request.secrets.push_back("tok-1");
    ASSERT_TRUE(ok(client_.connect(request)));
    EXPECT_EQ(client_.selected_subprotocol(), "jwt-auth.tok-1");
}

TEST_F(TlsAuth, BadTokenIsAuthRejectedAndAppearsInNoFailureText) {
    const std::string bad = "bad-token-77c1";
    auto request = tls_request_for(server_.url() + "?token=" + bad, server_.ca_file());
    request.headers.emplace_back("Authorization", "Bearer " + bad);
    request.subprotocols.push_back("jwt-auth." + bad);
    request.secrets.push_back(bad);
    const auto failure = client_.connect(request);
    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(failure->kind, FailureKind::auth_rejected) << failure->to_string();
    EXPECT_EQ(failure->http_status, 401);
    EXPECT_FALSE(failure->retryable);
    EXPECT_THAT(all_text(*failure), Not(HasSubstr(bad)));
}

TEST_F(TlsAuth, TokenAppearsInNoTlsFailureText) {
    const std::string token = "tok-1";
    auto request = tls_request_for(server_.url() + "?token=" + token, std::nullopt);
    request.headers.emplace_back("Authorization", "Bearer " + token);
    request.secrets.push_back(token);
    const Failure failure = expect_tls_failure(request, "unknown_ca");
    EXPECT_THAT(all_text(failure), Not(HasSubstr(token)));
}

TEST(Tls, CertificatesAreMadeOncePerProcessAndSharedByEveryDouble) {
    std::filesystem::path first_file;
    std::string first_pem;
    {
        const AgentServerDouble first(tls_options());
        first_file = first.ca_file();
        first_pem = read_file(first_file);
    }
    const AgentServerDouble second(tls_options(TlsCertificate::wrong_host));
    EXPECT_EQ(second.ca_file(), first_file);
    EXPECT_EQ(read_file(second.ca_file()), first_pem) << "the CA was generated again";
    EXPECT_THAT(first_pem, HasSubstr("-----BEGIN CERTIFICATE-----"));
    EXPECT_THAT(first_file.filename().string(), testing::StartsWith("goldenpath-ca-"));
    EXPECT_TRUE(AgentServerDouble().ca_file().empty()) << "a plain double has no CA file";
}

}  // namespace
}  // namespace goldenpath
