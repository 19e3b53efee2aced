// http:// and https:// endpoints: the start message POSTed, the events read from a
// text/event-stream answer, and every way such an answer goes wrong as a typed failure.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "connect_proxy_double.hpp"
#include "goldenpath/beast_client.hpp"
#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/load_run.hpp"
#include "goldenpath/proxy_rules.hpp"
#include "goldenpath/timeout_scale.hpp"
#include "sse_test_server.hpp"
#include "transport_test_support.hpp"

namespace goldenpath {
namespace {

using fixtures::FollowsGoldenPath;
using test::golden_events;
using test::sse_event;
using test::SseAnswer;
using test::SseTestServer;
using testing::HasSubstr;
using testing::Not;
using testing::StartsWith;

const Milliseconds kDeadline = scaled(Milliseconds(300));
// For the tests that wait for a deadline to pass: loopback answers within a millisecond.
const Milliseconds kShortDeadline = scaled(Milliseconds(80));
// Assertions on elapsed time allow this much over a deadline.
constexpr double kSlackMs = 250;
const std::string kToken = "sse-s3cr3t-token-value";

// One piece per event: each arrives in a write of its own.
std::vector<std::string> event_pieces(const std::vector<std::string>& events) {
    std::vector<std::string> pieces;
    for (const auto& event : events) {
        pieces.push_back(sse_event(event));
    }
    return pieces;
}

SseAnswer golden_answer() {
    SseAnswer answer;
    answer.pieces = event_pieces(golden_events());
    return answer;
}

Timeouts fast_timeouts() {
    return test::every_phase(kDeadline, Milliseconds(100));
}

// Over an event stream nothing precedes the start message: no ready event to wait for.
JourneyOptions options_for(const SseTestServer& server) {
    JourneyOptions options;
    options.config.url = Url::parse(server.url());
    options.config.timeouts = fast_timeouts();
    options.config.tokens = {Secret(kToken)};
    options.profile.wait_for_ready = false;
    return options;
}

class SseTransportTest : public testing::Test {
  protected:
    JourneyResult Run(JourneyOptions options) {
        const auto started = Clock::now();
        JourneyResult result = GoldenPathJourney(std::move(options)).run();
        elapsed_ms_ = elapsed_ms(started, Clock::now());
        return result;
    }
    JourneyResult Run(const SseTestServer& server) { return Run(options_for(server)); }

    // Failed as `kind_label` within the deadline, with the token nowhere in what is printed.
    void ExpectFailure(const JourneyResult& result, std::string_view kind_label) {
        ASSERT_TRUE(result.failure) << "expected " << kind_label << ", but the journey passed\n"
                                    << result.to_string();
        EXPECT_EQ(result.failure->kind_label(), kind_label) << result.to_string();
        EXPECT_LT(elapsed_ms_, static_cast<double>(kDeadline.count()) + kSlackMs)
            << result.to_string();
        EXPECT_THAT(test::all_text(*result.failure), Not(HasSubstr(kToken)));
        EXPECT_THAT(result.to_string(), Not(HasSubstr(kToken)));
    }

    double elapsed_ms_ = 0;
};

TEST_F(SseTransportTest, GoldenPathPassesOverHttp) {
    SseTestServer server(golden_answer());
    const auto result = Run(server);
    EXPECT_THAT(result, FollowsGoldenPath());
    EXPECT_EQ(result.verdict.event_count, 5u);
}

TEST_F(SseTransportTest, StartMessageIsPostedAsJsonWithTheToken) {
    SseTestServer server(golden_answer());
    auto options = options_for(server);
    options.config.url = Url::parse(server.url() + "?stream=golden");
    const auto result = Run(std::move(options));
    ASSERT_THAT(result, FollowsGoldenPath());

    const auto request = server.wait_for_request(Clock::now() + test::kWait);
    ASSERT_TRUE(request) << "no request arrived within " << test::kWait.count() << " ms";
    EXPECT_EQ(request->method, "POST");
    EXPECT_EQ(request->target, "/agent?stream=golden");
    EXPECT_EQ(request->headers.at("content-type"), "application/json");
    EXPECT_EQ(request->headers.at("accept"), "text/event-stream");
    EXPECT_EQ(request->headers.at("authorization"), "Bearer " + kToken);
    const auto start = nlohmann::json::parse(request->body);
    EXPECT_EQ(start["type"], "user_message");
    EXPECT_EQ(start["payload"]["run_id"], result.run_id);
}

TEST_F(SseTransportTest, ContentLengthBodyWithEventsSplitAcrossWritesPasses) {
    SseAnswer answer;
    answer.chunked = false;
    std::string all;
    for (const auto& piece : event_pieces(golden_events())) {
        all += piece;
    }
    // Cut in the middle of lines and events, and one cut between "\r" and "\n".
    answer.pieces = {all.substr(0, 7), all.substr(7, 100), all.substr(107)};
    SseTestServer server(answer);
    EXPECT_THAT(Run(server), FollowsGoldenPath());
}

TEST_F(SseTransportTest, ChunkedBodyWithCrLfLinesPasses) {
    SseAnswer answer;
    for (const auto& event : golden_events()) {
        answer.pieces.push_back(": comment\r\nevent: message\r\ndata: " + event + "\r\n\r\n");
    }
    SseTestServer server(answer);
    EXPECT_THAT(Run(server), FollowsGoldenPath());
}

TEST_F(SseTransportTest, UnauthorizedIsAuthRejectedWithoutTheToken) {
    SseAnswer answer = golden_answer();
    answer.required_token = "the-right-token";
    answer.rejection_body = "token " + kToken + " is not valid";  // a server that echoes it
    SseTestServer server(answer);
    const auto result = Run(server);
    ExpectFailure(result, "auth_rejected");
    EXPECT_EQ(result.failure->http_status, 401);
    EXPECT_THAT(result.failure->body_excerpt, HasSubstr("is not valid"));
}

TEST_F(SseTransportTest, ServerErrorIsHttpStatusWithTheBodyExcerpt) {
    SseAnswer answer;
    answer.status = 500;
    answer.content_type = "text/plain";
    answer.chunked = false;
    answer.pieces = {"agent pool exhausted"};
    SseTestServer server(answer);
    const auto result = Run(server);
    ExpectFailure(result, "http_status(500)");
    EXPECT_EQ(result.failure->body_excerpt, "agent pool exhausted");
    EXPECT_EQ(result.failure->phase, Phase::upgrade);
}

// A refused POST is a failed attempt, as a refused upgrade is. The next URL's run starts from the
// journey's own ids and URL, not from what the refused run left behind.
SseAnswer refusal() {
    SseAnswer answer;
    answer.status = 503;
    answer.content_type = "text/plain";
    answer.chunked = false;
    answer.pieces = {"draining"};
    return answer;
}

// A journey to `first`, then to `second` as its fallback, with the thread id given.
JourneyOptions first_then(const SseTestServer& first, const SseTestServer& second,
                          const std::string& thread_id) {
    auto options = options_for(first);
    options.config.fallback_urls = {Url::parse(second.url())};
    options.thread_id = thread_id;
    return options;
}

TEST_F(SseTransportTest, FallbackUrlAfterARefusedPostRunsWithTheJourneysIds) {
    SseTestServer refusing(refusal());
    SseTestServer healthy(golden_answer());
    auto options = first_then(refusing, healthy, "thread-fallback");
    options.run_id = "run-fallback";
    const auto result = Run(std::move(options));

    ASSERT_THAT(result, FollowsGoldenPath());
    EXPECT_EQ(result.url, healthy.url());
    EXPECT_EQ(result.thread_id, "thread-fallback");
    EXPECT_EQ(result.run_id, "run-fallback");
    EXPECT_TRUE(result.timings.connect_ms);
    EXPECT_TRUE(result.timings.completion_ms);
    for (const SseTestServer* server : {&refusing, &healthy}) {
        const auto request = server->wait_for_request(Clock::now() + test::kWait);
        ASSERT_TRUE(request) << server->url() << ": no request within " << test::kWait.count()
                             << " ms";
        EXPECT_EQ(nlohmann::json::parse(request->body)["payload"]["run_id"], "run-fallback")
            << server->url();
    }
}

TEST_F(SseTransportTest, EveryUrlRefusingThePostFailsWithEachAttemptAndTheLastUrl) {
    SseTestServer first(refusal());
    SseTestServer second(refusal());
    const auto result = Run(first_then(first, second, "thread-refused"));

    ExpectFailure(result, "http_status(503)");
    EXPECT_EQ(result.failure->phase, Phase::upgrade);
    EXPECT_THAT(result.failure->attempts, testing::SizeIs(2)) << result.to_string();
    EXPECT_EQ(result.url, second.url());
    EXPECT_EQ(result.thread_id, "thread-refused");
    EXPECT_FALSE(result.timings.completion_ms);
}

TEST_F(SseTransportTest, NoResponseHeadersInTimeIsTimeoutUpgrade) {
    SseAnswer answer;
    answer.never_answer = true;
    SseTestServer server(answer);
    auto options = options_for(server);
    options.config.timeouts.upgrade = kShortDeadline;
    const auto result = Run(std::move(options));
    ExpectFailure(result, "timeout(upgrade)");
    EXPECT_THAT(result.failure->detail, HasSubstr("response headers"));
}

TEST_F(SseTransportTest, StreamEndingAfterTwoEventsIsClosedAfterEventTwo) {
    SseAnswer answer;
    const auto events = golden_events();
    answer.pieces = event_pieces({events[0], events[1]});
    SseTestServer server(answer);
    const auto result = Run(server);
    ExpectFailure(result, "closed(1006)");
    EXPECT_EQ(result.failure->after_event, 2u);
    EXPECT_THAT(result.failure->close_reason, HasSubstr("event stream ended"));
}

TEST_F(SseTransportTest, EventWithInvalidJsonIsMalformedFrame) {
    SseAnswer answer;
    const auto events = golden_events();
    answer.pieces = event_pieces({events[0], "{not json", events[1]});
    SseTestServer server(answer);
    const auto result = Run(server);
    ASSERT_TRUE(result.failure) << result.to_string();
    EXPECT_EQ(result.failure->kind, FailureKind::malformed_frame) << result.to_string();
    EXPECT_EQ(result.failure->frame_index, 1u) << result.to_string();
}

TEST_F(SseTransportTest, AnswerThatIsNoEventStreamIsMalformedNamingTheContentType) {
    SseAnswer answer;
    answer.content_type = "application/json";
    answer.chunked = false;
    answer.pieces = {R"({"detail":"not a stream"})"};
    SseTestServer server(answer);
    const auto result = Run(server);
    ASSERT_TRUE(result.failure) << result.to_string();
    EXPECT_EQ(result.failure->kind, FailureKind::malformed_frame);
    EXPECT_THAT(result.failure->detail,
                HasSubstr("Content-Type must be text/event-stream, but is 'application/json'"));
}

TEST_F(SseTransportTest, EventAboveMaxMessageBytesIsMalformedFrame) {
    SseAnswer answer;
    const auto events = golden_events();
    const std::string big =
        R"({"type":"agent_thinking","data":{"reasoning":")" + std::string(4096, 'r') + R"("}})";
    answer.pieces = event_pieces({events[0], big, events[2]});
    SseTestServer server(answer);
    auto options = options_for(server);
    options.config.max_message_bytes = 1024;
    const auto result = Run(std::move(options));
    ExpectFailure(result, "malformed_frame(1)");
    EXPECT_THAT(result.failure->detail, HasSubstr("1024"));
}

TEST_F(SseTransportTest, SilentStreamIsStalledAfterTheLastEvent) {
    SseAnswer answer;
    const auto events = golden_events();
    answer.pieces = event_pieces({events[0], events[1]});
    answer.hold_open = true;
    SseTestServer server(answer);
    auto options = options_for(server);
    options.config.timeouts.max_gap = kShortDeadline;
    const auto result = Run(std::move(options));
    ExpectFailure(result, "stalled");
    EXPECT_EQ(result.failure->after_event, 2u);
}

TEST_F(SseTransportTest, ProfileWaitingForReadyFailsAtOnceSayingWhy) {
    SseTestServer server(golden_answer());
    auto options = options_for(server);
    options.profile.wait_for_ready = true;
    const auto result = Run(std::move(options));
    ExpectFailure(result, "protocol_violation(ready_before_start_message)");
    EXPECT_THAT(result.failure->detail, HasSubstr("wait_for_ready"));
    EXPECT_LT(elapsed_ms_, static_cast<double>(options_for(server).config.timeouts.ready.count()));
}

TEST_F(SseTransportTest, RefusedHttpConnectIsRefused) {
    JourneyOptions options;
    {
        SseTestServer server(golden_answer());
        options = options_for(server);
    }  // the port is free again
    const auto result = Run(std::move(options));
    ExpectFailure(result, "refused");
}

TEST_F(SseTransportTest, GoldenPathPassesOverHttpsWithTheTestCa) {
    SseTestServer server(golden_answer(), true);
    auto options = options_for(server);
    options.config.ca_file = SseTestServer::ca_file();
    const auto result = Run(std::move(options));
    EXPECT_THAT(result, FollowsGoldenPath());
    EXPECT_THAT(result.url, StartsWith("https://localhost:"));
}

TEST_F(SseTransportTest, HttpsWithoutTheCaIsATlsFailure) {
    SseTestServer server(golden_answer(), true);
    const auto result = Run(server);
    ASSERT_TRUE(result.failure) << result.to_string();
    EXPECT_EQ(result.failure->kind, FailureKind::tls) << result.to_string();
}

TEST_F(SseTransportTest, GoldenPathPassesThroughAConnectProxy) {
    SseTestServer server(golden_answer());
    const test::ConnectProxyDouble proxy;
    auto options = options_for(server);
    options.config.proxy = parse_proxy_url(proxy.url(), "/proxy");
    EXPECT_THAT(Run(std::move(options)), FollowsGoldenPath());
    const auto requests = proxy.requests();
    ASSERT_EQ(requests.size(), 1U) << "the proxy should have seen exactly one CONNECT";
    EXPECT_THAT(requests[0].request_line, StartsWith("CONNECT 127.0.0.1:"));
}

TEST_F(SseTransportTest, AsyncJourneysAndLoadRunWorkOverHttp) {
    SseTestServer server(golden_answer());
    LoadRunOptions load;
    const auto journey = options_for(server);
    load.config = journey.config;
    load.users = 4;
    load.profile = journey.profile;
    const LoadReport report = LoadRun(std::move(load)).run();
    EXPECT_EQ(report.summary.journeys, 4u) << report.summary.to_string();
    EXPECT_EQ(report.summary.passed, 4u) << report.summary.to_string();
}

TEST(SseBlockingClient, BeastClientReadsEventsUntilTheStreamEnds) {
    SseAnswer answer;
    const auto events = golden_events();
    answer.pieces = event_pieces({events[0], events[1]});
    SseTestServer server(answer);
    BeastClient client;
    ASSERT_TRUE(test::ok(client.connect(test::request_for(server.url()))));
    ASSERT_TRUE(test::ok(client.send_text(R"({"type":"user_message"})")));
    for (std::size_t i = 0; i < 2; ++i) {
        const ReceiveResult result = client.receive(Clock::now() + test::kWait);
        ASSERT_EQ(result.status, ReceiveResult::Status::frame) << "event " << i;
        EXPECT_EQ(result.frame.text, events[i]);
    }
    const ReceiveResult end = client.receive(Clock::now() + test::kWait);
    ASSERT_EQ(end.status, ReceiveResult::Status::closed);
    EXPECT_EQ(end.close.code, 1006);
    EXPECT_THAT(end.close.reason, HasSubstr("event stream ended"));
    EXPECT_TRUE(client.close(1000, "done", Clock::now() + test::kWait).empty());
}

TEST(SseBlockingClient, ReceiveWithoutAnEventTimesOutAtItsDeadline) {
    SseAnswer answer;
    answer.pieces = {": keep\n\n"};  // a comment only: no event yet
    answer.hold_open = true;
    SseTestServer server(answer);
    BeastClient client;
    ASSERT_TRUE(test::ok(client.connect(test::request_for(server.url()))));
    ASSERT_TRUE(test::ok(client.send_text("{}")));
    const ReceiveResult waited = client.receive(Clock::now() + Milliseconds(20));
    EXPECT_EQ(waited.status, ReceiveResult::Status::timeout);
    EXPECT_TRUE(client.close(1000, "done", Clock::now() + test::kWait).empty());
}

}  // namespace
}  // namespace goldenpath
