// First include: the header under test must be self-contained.
#include "goldenpath/failure.hpp"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace goldenpath {
namespace {

using testing::HasSubstr;
using testing::Not;

const std::string kUrl = "ws://127.0.0.1:5000/ws";

Failure failure_of(FailureKind kind) {
    Failure failure;
    failure.kind = kind;
    failure.url = kUrl;
    return failure;
}

TEST(FailureKindNames, AreTheEnumeratorNames) {
    EXPECT_EQ(to_string(FailureKind::refused), "refused");
    EXPECT_EQ(to_string(FailureKind::dns), "dns");
    EXPECT_EQ(to_string(FailureKind::timeout), "timeout");
    EXPECT_EQ(to_string(FailureKind::tls), "tls");
    EXPECT_EQ(to_string(FailureKind::http_status), "http_status");
    EXPECT_EQ(to_string(FailureKind::auth_rejected), "auth_rejected");
    EXPECT_EQ(to_string(FailureKind::closed), "closed");
    EXPECT_EQ(to_string(FailureKind::malformed_frame), "malformed_frame");
    EXPECT_EQ(to_string(FailureKind::protocol_violation), "protocol_violation");
    EXPECT_EQ(to_string(FailureKind::stalled), "stalled");
    EXPECT_EQ(to_string(FailureKind::agent_error), "agent_error");
}

TEST(PhaseNames, AreTheEnumeratorNames) {
    EXPECT_EQ(to_string(Phase::connect), "connect");
    EXPECT_EQ(to_string(Phase::tls), "tls");
    EXPECT_EQ(to_string(Phase::upgrade), "upgrade");
    EXPECT_EQ(to_string(Phase::ready), "ready");
    EXPECT_EQ(to_string(Phase::first_event), "first_event");
    EXPECT_EQ(to_string(Phase::completion), "completion");
}

TEST(KindLabel, CarriesTheKindArgument) {
    Failure f;
    f.kind = FailureKind::refused;
    EXPECT_EQ(f.kind_label(), "refused");
    f.kind = FailureKind::dns;
    EXPECT_EQ(f.kind_label(), "dns");
    f.kind = FailureKind::timeout;
    f.phase = Phase::first_event;
    EXPECT_EQ(f.kind_label(), "timeout(first_event)");
    f.kind = FailureKind::tls;
    f.tls_reason = "unknown_ca";
    EXPECT_EQ(f.kind_label(), "tls(unknown_ca)");
    f.kind = FailureKind::http_status;
    f.http_status = 404;
    EXPECT_EQ(f.kind_label(), "http_status(404)");
    f.kind = FailureKind::auth_rejected;
    EXPECT_EQ(f.kind_label(), "auth_rejected");
    f.kind = FailureKind::closed;
    f.close_code = 1011;
    EXPECT_EQ(f.kind_label(), "closed(1011)");
    f.kind = FailureKind::malformed_frame;
    f.frame_index = 4;
    EXPECT_EQ(f.kind_label(), "malformed_frame(4)");
    f.kind = FailureKind::protocol_violation;
    f.rule = "first_not_started";
    EXPECT_EQ(f.kind_label(), "protocol_violation(first_not_started)");
    f.kind = FailureKind::stalled;
    EXPECT_EQ(f.kind_label(), "stalled");
    f.kind = FailureKind::agent_error;
    f.error_type = "agent_death";
    EXPECT_EQ(f.kind_label(), "agent_error(agent_death)");
}

TEST(FailureToString, RefusedListsEveryAttempt) {
    Failure f = failure_of(FailureKind::refused);
    f.url = "ws://127.0.0.1:9/ws";
    f.waited_ms = 0.4;
    f.retryable = true;
    f.attempts = {
        {f.url, "refused", "", 0.3}, {f.url, "refused", "", 0.2}, {f.url, "refused", "", 0.2}};
    EXPECT_EQ(f.to_string(),
              "refused: connect to ws://127.0.0.1:9/ws refused after 0.4 ms (3 attempts: refused "
              "0.3 ms, refused 0.2 ms, refused 0.2 ms)");
}

TEST(FailureToString, RefusedNamesFallbackUrlsAndDetail) {
    Failure f = failure_of(FailureKind::refused);
    f.detail = "Connection refused";
    f.retryable = true;
    f.attempts = {{"ws://primary/ws", "refused", "", 1.0}, {kUrl, "refused", "", 2.0}};
    EXPECT_EQ(f.to_string(),
              "refused: connect to ws://127.0.0.1:5000/ws refused after 3 ms; Connection refused "
              "(2 attempts: refused 1 ms at ws://primary/ws, refused 2 ms)");
}

TEST(FailureToString, Dns) {
    Failure f = failure_of(FailureKind::dns);
    f.url = "ws://staging.invalid/ws";
    f.detail = "Host not found";
    EXPECT_EQ(f.to_string(),
              "dns: cannot resolve the host of ws://staging.invalid/ws; Host not found");
}

TEST(FailureToString, TimeoutNamesPhaseAndWait) {
    Failure f = failure_of(FailureKind::timeout);
    f.phase = Phase::first_event;
    f.waited_ms = 300;
    EXPECT_EQ(f.to_string(), "timeout(first_event) after 300 ms on ws://127.0.0.1:5000/ws");
}

TEST(FailureToString, Tls) {
    Failure f = failure_of(FailureKind::tls);
    f.url = "wss://localhost:5443/ws";
    f.tls_reason = "unknown_ca";
    f.detail = "certificate verify failed";
    EXPECT_EQ(f.to_string(),
              "tls(unknown_ca): TLS handshake with wss://localhost:5443/ws failed; certificate "
              "verify failed");
}

TEST(FailureToString, HttpStatusQuotesTheBody) {
    Failure f = failure_of(FailureKind::http_status);
    f.phase = Phase::upgrade;
    f.http_status = 404;
    f.body_excerpt = "not found";
    f.attempts = {{kUrl, "http_status(404)", "", 1.5}};
    EXPECT_EQ(
        f.to_string(),
        "http_status(404) on upgrade to ws://127.0.0.1:5000/ws: body \"not found\" (1 attempt, "
        "not retryable)");
}

TEST(FailureToString, HttpStatusFromAProxySaysCONNECT) {
    Failure f = failure_of(FailureKind::http_status);
    f.phase = Phase::connect;
    f.http_status = 407;
    EXPECT_EQ(f.to_string(),
              "http_status(407) on CONNECT through the proxy to ws://127.0.0.1:5000/ws");
}

TEST(FailureToString, HttpStatusEscapesTheBody) {
    Failure f = failure_of(FailureKind::http_status);
    f.phase = Phase::upgrade;
    f.http_status = 500;
    f.body_excerpt = "line1\n\"quoted\"";
    EXPECT_EQ(
        f.to_string(),
        "http_status(500) on upgrade to ws://127.0.0.1:5000/ws: body \"line1\\n\\\"quoted\\\"\"");
}

TEST(FailureToString, AuthRejectedByStatusOrClose) {
    Failure by_status = failure_of(FailureKind::auth_rejected);
    by_status.http_status = 401;
    EXPECT_EQ(by_status.to_string(),
              "auth_rejected: ws://127.0.0.1:5000/ws rejected the token with HTTP 401");
    Failure by_close = failure_of(FailureKind::auth_rejected);
    by_close.close_code = 1008;
    by_close.close_reason = "policy violation";
    by_close.message = "AUTH_FAILED";
    EXPECT_EQ(by_close.to_string(),
              "auth_rejected: ws://127.0.0.1:5000/ws rejected the token with close 1008 "
              "\"policy violation\": \"AUTH_FAILED\"");
}

TEST(FailureToString, ClosedNamesCodeReasonAndEvent) {
    Failure f = failure_of(FailureKind::closed);
    f.close_code = 1011;
    f.close_reason = "internal error";
    f.after_event = 2;
    EXPECT_EQ(f.to_string(),
              "closed(1011) \"internal error\" after event 2 on ws://127.0.0.1:5000/ws");
    f.close_reason.clear();
    f.after_event.reset();
    EXPECT_EQ(f.to_string(), "closed(1011) on ws://127.0.0.1:5000/ws");
}

TEST(FailureToString, MalformedFrameQuotesTheExcerpt) {
    Failure f = failure_of(FailureKind::malformed_frame);
    f.frame_index = 3;
    f.excerpt = "{\"type\":";
    f.detail = "not valid JSON: unexpected end of input at byte 8";
    EXPECT_EQ(f.to_string(),
              "malformed_frame(3) on ws://127.0.0.1:5000/ws: frame \"{\\\"type\\\":\"; not valid "
              "JSON: unexpected end of input at byte 8");
}

TEST(FailureToString, ProtocolViolationCarriesRuleIndexAndDetail) {
    Failure f;
    f.kind = FailureKind::protocol_violation;
    f.rule = "first_not_started";
    f.event_index = 0;
    f.detail = "first_not_started: event #0 is agent_thinking, but agent_started was expected";
    EXPECT_EQ(f.to_string(),
              "protocol_violation(first_not_started) at event #0: first_not_started: event #0 is "
              "agent_thinking, but agent_started was expected");
    f.url = kUrl;
    EXPECT_THAT(f.to_string(),
                HasSubstr("at event #0 on ws://127.0.0.1:5000/ws: first_not_started"));
}

TEST(FailureToString, StalledNamesEventAndWait) {
    Failure f = failure_of(FailureKind::stalled);
    f.after_event = 3;
    f.waited_ms = 300;
    EXPECT_EQ(f.to_string(),
              "stalled after event 3: no event for 300 ms on ws://127.0.0.1:5000/ws");
}

TEST(FailureToString, AgentErrorQuotesTheServerMessage) {
    Failure f = failure_of(FailureKind::agent_error);
    f.error_type = "agent_error";
    f.message = "LLM quota exceeded";
    f.after_event = 1;
    EXPECT_EQ(
        f.to_string(),
        "agent_error(agent_error) \"LLM quota exceeded\" after event 1 on ws://127.0.0.1:5000/ws");
}

TEST(FailureToString, IsOneLine) {
    Failure f = failure_of(FailureKind::closed);
    f.close_code = 1006;
    f.close_reason = "a\nb";
    f.detail = "read: \r\nend of stream";
    EXPECT_THAT(f.to_string(), Not(HasSubstr("\n")));
}

}  // namespace
}  // namespace goldenpath

namespace goldenpath {
namespace {

TEST(FailureToString, RetriesListEachAttemptsStartAndTheTotalWithBackoff) {
    Failure f;
    f.kind = FailureKind::refused;
    f.url = "ws://127.0.0.1:9/ws";
    f.retryable = true;
    f.attempts = {{f.url, "refused", "", 0.5, 0.0},
                  {f.url, "refused", "", 0.2, 250.1},
                  {f.url, "refused", "", 0.3, 729.4}};
    f.total_ms = 729.7;
    EXPECT_EQ(f.to_string(),
              "refused: connect to ws://127.0.0.1:9/ws refused after 729.7 ms (3 attempts in "
              "729.7 ms with back-off: +0 ms refused 0.5 ms, +250.1 ms refused 0.2 ms, +729.4 ms "
              "refused 0.3 ms)");
}

}  // namespace
}  // namespace goldenpath

namespace goldenpath {
namespace {

TEST(FailureNamedConstructors, EachSetsItsKindAndTheFieldsItCarries) {
    const Failure timeout = Failure::timeout(Phase::first_event, 2000, "no run event");
    EXPECT_EQ(timeout.kind, FailureKind::timeout);
    EXPECT_EQ(timeout.phase, Phase::first_event);
    EXPECT_EQ(timeout.waited_ms, 2000);
    EXPECT_EQ(timeout.kind_label(), "timeout(first_event)");

    const Failure http = Failure::http_error(404, "not here", "");
    EXPECT_EQ(http.kind, FailureKind::http_status);
    EXPECT_EQ(http.phase, Phase::upgrade);
    EXPECT_EQ(http.http_status, 404);
    EXPECT_EQ(http.body_excerpt, "not here");
    EXPECT_EQ(http.kind_label(), "http_status(404)");

    const Failure closed = Failure::closed(Phase::completion, 1011, "boom", 2, "");
    EXPECT_EQ(closed.kind, FailureKind::closed);
    EXPECT_EQ(closed.close_code, 1011);
    EXPECT_EQ(closed.close_reason, "boom");
    EXPECT_EQ(closed.after_event, 2U);
    EXPECT_EQ(closed.kind_label(), "closed(1011)");

    const Failure malformed = Failure::malformed_frame(Phase::ready, 3, "{nope", "not JSON");
    EXPECT_EQ(malformed.kind, FailureKind::malformed_frame);
    EXPECT_EQ(malformed.phase, Phase::ready);
    EXPECT_EQ(malformed.frame_index, 3U);
    EXPECT_EQ(malformed.excerpt, "{nope");
    EXPECT_EQ(malformed.detail, "not JSON");

    const Failure violation = Failure::protocol_violation("first_not_started", 0, "d");
    EXPECT_EQ(violation.kind, FailureKind::protocol_violation);
    EXPECT_EQ(violation.phase, Phase::completion);
    EXPECT_EQ(violation.event_index, 0U);
    EXPECT_EQ(violation.kind_label(), "protocol_violation(first_not_started)");

    const Failure stalled = Failure::stalled(5000, 1, "");
    EXPECT_EQ(stalled.kind, FailureKind::stalled);
    EXPECT_EQ(stalled.waited_ms, 5000);
    EXPECT_EQ(stalled.after_event, 1U);

    const Failure agent = Failure::agent_error("agent_error", "model down", 2, "");
    EXPECT_EQ(agent.kind, FailureKind::agent_error);
    EXPECT_EQ(agent.error_type, "agent_error");
    EXPECT_EQ(agent.message, "model down");
    EXPECT_EQ(agent.after_event, 2U);

    const Failure refused = Failure::of(FailureKind::refused, Phase::connect, "ECONNREFUSED");
    EXPECT_EQ(refused.kind, FailureKind::refused);
    EXPECT_EQ(refused.detail, "ECONNREFUSED");
    EXPECT_TRUE(refused.url.empty());
}

TEST(FailureNamedConstructors, OnSetsTheUrlAndKeepsTheRest) {
    const Failure failure = Failure::closed(Phase::upgrade, 1006, "dropped", std::nullopt, "gone")
                                .on("ws://127.0.0.1:5000/ws");
    EXPECT_EQ(failure.url, "ws://127.0.0.1:5000/ws");
    EXPECT_EQ(failure.close_code, 1006);
    EXPECT_EQ(failure.detail, "gone");
    EXPECT_THAT(failure.to_string(), HasSubstr("ws://127.0.0.1:5000/ws"));
}

}  // namespace
}  // namespace goldenpath
