// Every operation of a journey (connect, send, each receive, close) failed once with every fault
// the operation can have, in the manner of Beast's fail_count: N = 0, 1, 2, ... until nothing is
// left to fail and the journey passes. Each point must give the typed failure a real transport
// failure there gives, within the journey's deadline, with the inner connection closed.
#include "goldenpath/fixtures/failing_websocket_client.hpp"  // first: self-contained

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "goldenpath/event_loop.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/in_memory_client.hpp"

namespace goldenpath::fixtures {
namespace {

constexpr std::size_t kMaxSweep = 64;  // a golden path has 9 operations; the bound is a backstop
constexpr Milliseconds kReady{200};
constexpr Milliseconds kCompletion{1000};
constexpr Milliseconds kClose{100};
constexpr char kToken[] = "tok-fail-count-31";

JourneyOptions journey_options() {
    JourneyOptions options;
    options.config.url = Url::parse("ws://agents.in-memory:80/ws");
    options.config.tokens = {Secret(kToken)};
    options.config.timeouts.ready = kReady;
    options.config.timeouts.first_event = Milliseconds(300);
    options.config.timeouts.max_gap = Milliseconds(300);
    options.config.timeouts.completion = kCompletion;
    options.config.timeouts.close = kClose;
    options.thread_id = "thread-1";
    options.run_id = "run-1";
    return options;
}

AgentServerDoubleOptions server_options() {
    AgentServerDoubleOptions server;
    server.tokens = {kToken};
    return server;
}

// What the journey must report when the failure hit `count.failed_operation()`, for the golden
// path's operations: connect, receive #0 (connection_established), send (the start message),
// receive #1..#5 (the five run events), close.
struct Expected {
    bool passes = false;
    FailureKind kind = FailureKind::closed;
    std::string label;
    Phase phase = Phase::completion;
    std::optional<std::size_t> after_event;
};

Expected expected_for(const FailCount& count) {
    Expected expected;
    const auto operation = count.failed_operation();
    if (!operation || *operation == ClientOperation::close) {
        expected.passes = true;  // a close handshake that fails after completion changes nothing
        return expected;
    }
    if (*operation == ClientOperation::connect) {
        switch (count.fault()) {
            case ClientFault::refused:
                return {false, FailureKind::refused, "refused", Phase::connect, std::nullopt};
            case ClientFault::dns:
                return {false, FailureKind::dns, "dns", Phase::connect, std::nullopt};
            case ClientFault::timeout:
                return {false, FailureKind::timeout, "timeout(connect)", Phase::connect,
                        std::nullopt};
            case ClientFault::tls:
                return {false, FailureKind::tls, "tls(unknown_ca)", Phase::tls, std::nullopt};
            case ClientFault::http_status:
                return {false, FailureKind::http_status, "http_status(503)", Phase::upgrade,
                        std::nullopt};
            case ClientFault::auth_rejected:
                return {false, FailureKind::auth_rejected, "auth_rejected", Phase::upgrade,
                        std::nullopt};
            default:
                return {false, FailureKind::closed, "closed(1006)", Phase::upgrade, std::nullopt};
        }
    }
    if (*operation == ClientOperation::send) {
        return {false, FailureKind::closed, "closed(1006)", Phase::completion, std::nullopt};
    }
    // receive #i: #0 waits for ready; #1 for the first run event; #i (i >= 2) after i - 1 events.
    const std::size_t i = count.failed_operation_index();
    const Phase phase = i == 0 ? Phase::ready : Phase::completion;
    const std::size_t events = i == 0 ? 0 : i - 1;
    switch (count.fault()) {
        case ClientFault::timeout:
            if (i == 0) {
                return {false, FailureKind::timeout, "timeout(ready)", Phase::ready, std::nullopt};
            }
            if (i == 1) {
                return {false, FailureKind::timeout, "timeout(first_event)", Phase::first_event,
                        std::nullopt};
            }
            return {false, FailureKind::stalled, "stalled", Phase::completion, events};
        case ClientFault::auth_rejected:
            return {false, FailureKind::auth_rejected, "auth_rejected", phase, events};
        // A transport error keeps the phase the transport gave it (BeastClient: completion), also
        // while the journey still waits for ready.
        case ClientFault::stalled:
            return {false, FailureKind::stalled, "stalled", Phase::completion, events};
        case ClientFault::malformed_frame:
            return {false, FailureKind::malformed_frame, "malformed_frame(0)", Phase::completion,
                    std::nullopt};
        default:
            return {false, FailureKind::closed,
                    "closed(" + std::to_string(count.close_code()) + ")", phase, events};
    }
}

std::string point_name(const FailCount& count, std::size_t n) {
    std::string name = std::string(to_string(count.fault())) + " #" + std::to_string(n);
    if (count.failed_operation()) {
        name += " on " + std::string(to_string(*count.failed_operation())) + " #" +
                std::to_string(count.failed_operation_index());
    }
    return name;
}

void expect_verdict(const JourneyResult& result, const FailCount& count, std::size_t n) {
    const Expected expected = expected_for(count);
    SCOPED_TRACE(point_name(count, n) + "\n" + result.to_string());
    if (expected.passes) {
        EXPECT_TRUE(result.passed());
        return;
    }
    ASSERT_TRUE(result.failure.has_value());
    EXPECT_EQ(result.failure->kind, expected.kind);
    EXPECT_EQ(result.failure->kind_label(), expected.label);
    EXPECT_EQ(result.failure->phase, expected.phase);
    if (expected.after_event) {
        EXPECT_EQ(result.failure->after_event, expected.after_event);
    }
    EXPECT_EQ(result.to_string().find(kToken), std::string::npos);
}

struct Sweep {
    ClientFault fault;
    int close_code = 1006;
};

const std::vector<Sweep>& sweeps() {
    static const std::vector<Sweep> all{{ClientFault::refused},        {ClientFault::dns},
                                        {ClientFault::timeout},        {ClientFault::tls},
                                        {ClientFault::http_status},    {ClientFault::auth_rejected},
                                        {ClientFault::closed, 1000},   {ClientFault::closed, 1006},
                                        {ClientFault::closed, 1011},   {ClientFault::stalled},
                                        {ClientFault::malformed_frame}};
    return all;
}

// How many operations of the golden path `fault` applies to: connect, send and close once each,
// receive six times (connection_established and the five run events).
std::size_t golden_path_operations(ClientFault fault) {
    std::size_t total = 0;
    for (const ClientOperation operation : operations_failing_with(fault)) {
        total += operation == ClientOperation::receive ? 6U : 1U;
    }
    return total;
}

// One full sweep: `run_point` runs one journey over a fresh counter and returns its result.
template <typename RunPoint>
void sweep(const Sweep& sweep, RunPoint run_point) {
    std::size_t points = 0;
    for (std::size_t n = 0; n < kMaxSweep; ++n) {
        auto count = std::make_shared<FailCount>(n, sweep.fault, sweep.close_code);
        const auto started = Clock::now();
        const JourneyResult result = run_point(count, n);
        const auto elapsed = Clock::now() - started;
        EXPECT_LT(elapsed, kReady + kCompletion + kClose) << point_name(*count, n);
        expect_verdict(result, *count, n);
        if (!count->triggered()) {
            EXPECT_EQ(points, golden_path_operations(sweep.fault))
                << "the sweep of " << to_string(sweep.fault) << " missed operations";
            return;
        }
        ++points;
    }
    ADD_FAILURE() << "the sweep of " << to_string(sweep.fault) << " never passed";
}

TEST(FailingWebSocketClientTest, EveryOperationFailedWithEveryFaultGivesItsTypedFailure) {
    for (const Sweep& s : sweeps()) {
        sweep(s, [](const std::shared_ptr<FailCount>& count, std::size_t n) {
            InMemoryClient inner(server_options());
            JourneyResult result;
            {
                FailingWebSocketClient client(inner, count);
                result = GoldenPathJourney(journey_options()).run(client);
            }
            // The journey or the decorator closed the inner connection, whatever failed.
            EXPECT_EQ(inner.receive(Clock::now()).status, ReceiveResult::Status::closed)
                << point_name(*count, n) << ": the inner connection was left open";
            EXPECT_EQ(count->clients_alive(), 0U);
            return result;
        });
    }
}

TEST(FailingWebSocketClientTest, SweepThroughAClientFactoryDestroysEveryClient) {
    for (const Sweep& s : sweeps()) {
        sweep(s, [](const std::shared_ptr<FailCount>& count, std::size_t n) {
            auto options = journey_options();
            options.client_factory = failing_client_factory(
                count, [] { return std::make_unique<InMemoryClient>(server_options()); });
            auto result = GoldenPathJourney(std::move(options)).run();
            EXPECT_EQ(count->clients_made(), 1U) << point_name(*count, n);
            EXPECT_EQ(count->clients_alive(), 0U) << point_name(*count, n) << ": a client leaked";
            return result;
        });
    }
}

// async_run drives the factory's blocking clients on a thread of their own (an offloading port):
// the same verdicts, and every client destroyed once the journey's handler ran.
TEST(FailingWebSocketClientTest, SweepUnderAsyncRunDestroysEveryClient) {
    for (const Sweep& s : sweeps()) {
        sweep(s, [](const std::shared_ptr<FailCount>& count, std::size_t n) {
            auto options = journey_options();
            options.client_factory = failing_client_factory(
                count, [] { return std::make_unique<InMemoryClient>(server_options()); });
            EventLoop loop(0);
            std::optional<JourneyResult> result;
            GoldenPathJourney(std::move(options)).async_run(loop, [&](JourneyResult done) {
                result = std::move(done);
            });
            loop.run_for(kReady + kCompletion + kClose);
            EXPECT_TRUE(result.has_value()) << point_name(*count, n) << ": no verdict in time";
            EXPECT_EQ(count->clients_alive(), 0U) << point_name(*count, n) << ": a client leaked";
            return result.value_or(JourneyResult{});
        });
    }
}

TEST(FailingWebSocketClientTest, RetryableConnectFailuresAreRetriedOnAFreshClient) {
    for (const Sweep& s : sweeps()) {
        if (operations_failing_with(s.fault).front() != ClientOperation::connect) {
            continue;  // stalled, malformed_frame: no connect fails that way
        }
        auto count = std::make_shared<FailCount>(0, s.fault, s.close_code);
        auto options = journey_options();
        options.config.retry.max_attempts = 2;
        options.config.retry.initial_backoff = Milliseconds(0);
        options.config.retry.jitter = 0;
        options.client_factory = failing_client_factory(
            count, [] { return std::make_unique<InMemoryClient>(server_options()); });
        const auto result = GoldenPathJourney(std::move(options)).run();
        SCOPED_TRACE(point_name(*count, 0) + "\n" + result.to_string());
        ASSERT_EQ(count->failed_operation(), ClientOperation::connect);
        const bool retryable = s.fault == ClientFault::refused || s.fault == ClientFault::timeout ||
                               s.fault == ClientFault::http_status ||
                               s.fault == ClientFault::closed;
        EXPECT_EQ(result.passed(), retryable);
        EXPECT_EQ(count->clients_made(), retryable ? 2U : 1U);
        EXPECT_EQ(count->clients_alive(), 0U);
    }
}

TEST(FailingWebSocketClientTest, CountsOnlyTheOperationsTheFaultAppliesTo) {
    FailCount count(1, ClientFault::closed);
    EXPECT_FALSE(count.fail(ClientOperation::connect));  // counted: #0
    EXPECT_FALSE(count.triggered());
    EXPECT_TRUE(count.fail(ClientOperation::receive));  // #1
    EXPECT_TRUE(count.triggered());
    EXPECT_EQ(count.failed_operation(), ClientOperation::receive);

    FailCount stalled(0, ClientFault::stalled);
    EXPECT_FALSE(stalled.fail(ClientOperation::connect));  // not counted: connect never stalls
    EXPECT_FALSE(stalled.fail(ClientOperation::send));
    EXPECT_TRUE(stalled.fail(ClientOperation::receive));
    EXPECT_FALSE(stalled.fail(ClientOperation::receive));  // once only
    EXPECT_EQ(stalled.operations(), 4U);
    EXPECT_EQ(operations_failing_with(ClientFault::stalled),
              std::vector<ClientOperation>{ClientOperation::receive});
}

}  // namespace
}  // namespace goldenpath::fixtures
