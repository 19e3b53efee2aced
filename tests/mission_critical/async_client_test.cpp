// The asynchronous core over real loopback sockets: EventLoop (own threads, or driven by the
// caller), AsyncWebSocketClient against the AgentServerDouble, GoldenPathJourney::async_run and
// LoadRun on one loop without a thread per connection.
#include "goldenpath/async_websocket_client.hpp"  // first: the header is self-contained

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/beast_client.hpp"
#include "goldenpath/config_error.hpp"
#include "goldenpath/event_loop.hpp"
#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/load_run.hpp"
#include "goldenpath/script.hpp"
#include "goldenpath/server_connection.hpp"
#include "goldenpath/timeout_scale.hpp"
#include "transport_test_support.hpp"

namespace goldenpath {
namespace {

using namespace std::chrono_literals;
using fixtures::FollowsGoldenPath;
using test::kWait;
using testing::ElementsAre;
using testing::HasSubstr;

const Milliseconds kFaultDeadline = scaled(Milliseconds{300});
const double kSlackMs = 250.0 * timeout_scale();

// One line about a receive result, for failure messages.
std::string describe(const ReceiveResult& result) {
    switch (result.status) {
        case ReceiveResult::Status::frame:
            return fmt::format("frame {}", result.frame.text);
        case ReceiveResult::Status::closed:
            return fmt::format("closed {} '{}'", result.close.code, result.close.reason);
        case ReceiveResult::Status::timeout:
            return "timeout";
        case ReceiveResult::Status::error:
            return fmt::format("error {}", result.failure.to_string());
    }
    return "?";
}

std::string type_of(const std::string& frame) {
    const auto json = nlohmann::json::parse(frame, nullptr, false);
    if (!json.is_object()) {
        return "<not a JSON object>";
    }
    return json.value("type", "<no type>");
}

// Hands one value from a loop callback to the test thread. The promise is shared with the
// callback, so a callback that runs after the test gave up touches nothing destroyed; a second
// call throws std::future_error, which the loop counts in handler_exceptions().
template <typename T>
class Delivery {
  public:
    std::function<void(T)> callback() const {
        return [promise = promise_](T value) { promise->set_value(std::move(value)); };
    }
    // The delivered value, or nullopt when none arrived within `limit`.
    std::optional<T> wait(Milliseconds limit) {
        if (future_.wait_for(limit) != std::future_status::ready) {
            return std::nullopt;
        }
        return future_.get();
    }

  private:
    std::shared_ptr<std::promise<T>> promise_ = std::make_shared<std::promise<T>>();
    std::future<T> future_ = promise_->get_future();
};

// Drives a threads == 0 loop on this thread in short slices until `done()` or `limit`; true when
// done. Slices, because run_for() only returns early when no work is left, and a pending read
// is work.
bool drive_until(EventLoop& loop, const std::function<bool()>& done, Milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (!done() && Clock::now() < deadline) {
        loop.run_for(10ms);
    }
    return done();
}

ConnectRequest request_to(const std::string& url) {
    EndpointConfig config;
    config.url = Url::parse(url);
    config.timeouts.connect = kFaultDeadline;
    config.timeouts.upgrade = kFaultDeadline;
    return connect_request_for(config, default_profile(), 0, config.url);
}

JourneyOptions journey_to(const std::string& url, std::size_t user = 0) {
    JourneyOptions options;
    options.config.url = Url::parse(url);
    options.config.timeouts.connect = kFaultDeadline;
    options.config.timeouts.upgrade = kFaultDeadline;
    options.config.timeouts.ready = kFaultDeadline;
    options.config.timeouts.first_event = kFaultDeadline;
    options.config.timeouts.completion = 2000ms;
    options.config.retry.max_attempts = 1;
    options.user = user;
    return options;
}

// A double whose connections send connection_established and then only what a test sends.
AgentServerDoubleOptions silent_options() {
    AgentServerDoubleOptions options;
    options.script = Script().stall();
    return options;
}

// The golden path with a server-side pause (a timer in the double) before the first event: long
// enough that journeys run one after another would miss their deadline, so they must overlap.
constexpr Milliseconds kServerPause{100};

AgentServerDoubleOptions pausing_options() {
    ScriptStep pause;
    pause.kind = ScriptStep::Kind::delay;
    pause.delay = kServerPause;
    AgentServerDoubleOptions options;
    options.script = Script::golden_path().insert_before_event(0, pause);
    return options;
}

// What one golden-path exchange on an AsyncWebSocketClient saw, collected on the loop.
struct Exchange {
    std::optional<Failure> connect_failure;
    std::optional<Failure> send_failure;
    std::vector<std::string> types;         // of every frame received, in order
    std::vector<std::string> timeline;      // "type +offset ms" of each, from async_connect
    std::optional<ReceiveResult> ended_by;  // a receive that was not a frame
    std::vector<ReceivedFrame> after_close;
    bool closed = false;
    std::vector<std::thread::id> callback_threads;

    std::string to_string() const {
        std::string text = fmt::format("frames [{}]", fmt::join(timeline, ", "));
        if (connect_failure) {
            text += "; connect failed: " + connect_failure->to_string();
        }
        if (send_failure) {
            text += "; send failed: " + send_failure->to_string();
        }
        if (ended_by) {
            text += "; ended by " + describe(*ended_by);
        }
        return text;
    }
};

// connect, receive connection_established, send the start message, receive until
// agent_completed, close: each step started from the previous step's callback.
class GoldenPathExchange : public std::enable_shared_from_this<GoldenPathExchange> {
  public:
    using Done = std::function<void(Exchange)>;

    static void start(AsyncWebSocketClient& client, ConnectRequest request, Done done) {
        const auto exchange = std::make_shared<GoldenPathExchange>(client, std::move(done));
        client.async_connect(std::move(request), [exchange](std::optional<Failure> failure) {
            exchange->on_connected(std::move(failure));
        });
    }

    GoldenPathExchange(AsyncWebSocketClient& client, Done done)
        : client_(client),
          done_(std::move(done)),
          started_(Clock::now()),
          deadline_(started_ + kWait) {}

  private:
    void on_connected(std::optional<Failure> failure) {
        note_thread();
        if (failure) {
            seen_.connect_failure = std::move(failure);
            return finish();
        }
        receive();
    }

    void receive() {
        client_.async_receive(deadline_, [self = shared_from_this()](ReceiveResult result) {
            self->on_received(std::move(result));
        });
    }

    void on_received(ReceiveResult result) {
        note_thread();
        if (result.status != ReceiveResult::Status::frame) {
            seen_.ended_by = std::move(result);
            seen_.timeline.push_back(
                fmt::format("(ended +{:.1f}ms)", elapsed_ms(started_, Clock::now())));
            return finish();
        }
        seen_.types.push_back(type_of(result.frame.text));
        seen_.timeline.push_back(fmt::format("{} +{:.1f}ms", seen_.types.back(),
                                             elapsed_ms(started_, result.frame.arrival)));
        if (seen_.types.back() == "connection_established") {
            return send_start();
        }
        if (seen_.types.back() == "agent_completed") {
            return close();
        }
        receive();
    }

    void send_start() {
        client_.async_send_text(
            default_profile().start_message("Where is my order?", "thread-async", "run-async"),
            [self = shared_from_this()](std::optional<Failure> failure) {
                self->note_thread();
                if (failure) {
                    self->seen_.send_failure = std::move(failure);
                    return self->finish();
                }
                self->receive();
            });
    }

    void close() {
        client_.async_close(1000, "done", deadline_,
                            [self = shared_from_this()](std::vector<ReceivedFrame> frames) {
                                self->note_thread();
                                self->seen_.closed = true;
                                self->seen_.after_close = std::move(frames);
                                self->finish();
                            });
    }

    void note_thread() { seen_.callback_threads.push_back(std::this_thread::get_id()); }
    void finish() { done_(std::move(seen_)); }

    AsyncWebSocketClient& client_;
    Done done_;
    Clock::time_point started_;
    Clock::time_point deadline_;
    Exchange seen_;
};

void expect_golden_path(const Exchange& exchange) {
    EXPECT_THAT(exchange.types,
                ElementsAre("connection_established", "agent_started", "agent_thinking",
                            "tool_executing", "tool_completed", "agent_completed"))
        << exchange.to_string();
    EXPECT_TRUE(exchange.closed) << exchange.to_string();
    EXPECT_TRUE(exchange.after_close.empty())
        << "expected no frame after agent_completed, got " << exchange.after_close.size();
    // connect, ready, send, five events, close
    EXPECT_EQ(exchange.callback_threads.size(), 9U) << exchange.to_string();
}

void expect_server_saw_the_run(ServerConnection& connection) {
    const auto messages = connection.messages();
    ASSERT_EQ(messages.size(), 1U) << "expected only the start message";
    EXPECT_EQ(type_of(messages[0]), "user_message") << messages[0];
    EXPECT_EQ(connection.wait_closed(Clock::now() + kWait), std::optional<int>(1000))
        << "expected the client's close 1000 within 1 s";
}

TEST(EventLoop, RejectsMoreThanKMaxThreadsNamingTheField) {
    try {
        EventLoop loop(EventLoop::kMaxThreads + 1);
        FAIL() << "expected ConfigError for threads = kMaxThreads + 1";
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.id(), "goldenpath.event_loop");
        EXPECT_EQ(error.field(), "/threads");
        EXPECT_THAT(error.what(), HasSubstr(std::to_string(EventLoop::kMaxThreads + 1)));
    }
}

TEST(EventLoop, DrivingALoopThatHasItsOwnThreadsIsALogicError) {
    EventLoop loop(1);
    EXPECT_EQ(loop.threads(), 1U);
    EXPECT_THROW(loop.run_for(10ms), std::logic_error);
    EXPECT_THROW(loop.poll(), std::logic_error);
}

TEST(EventLoop, ACallerDrivenLoopRunsPostedTasksOnlyInsideItsCalls) {
    EventLoop loop(0);
    std::vector<std::thread::id> ran_on;
    loop.post([&ran_on] { ran_on.push_back(std::this_thread::get_id()); });
    loop.post([] { throw std::runtime_error("thrown by a task"); });
    EXPECT_TRUE(ran_on.empty()) << "a task ran inside post()";
    EXPECT_EQ(loop.poll(), 2U);
    EXPECT_THAT(ran_on, ElementsAre(std::this_thread::get_id()));
    EXPECT_EQ(loop.handler_exceptions(), 1U);
    loop.post([&ran_on] { ran_on.push_back(std::this_thread::get_id()); });
    EXPECT_EQ(loop.run(), 1U) << "a second run must work after the first ran out of work";
    EXPECT_EQ(ran_on.size(), 2U);
}

TEST(AsyncWebSocketClient, GoldenPathOnALoopThreadHandsTheResultToTheTestThread) {
    AgentServerDouble server;
    EventLoop loop(1);
    AsyncWebSocketClient client(loop);
    Delivery<Exchange> delivery;

    GoldenPathExchange::start(client, request_to(server.url()), delivery.callback());
    const auto exchange = delivery.wait(kWait);
    ASSERT_TRUE(exchange) << "expected connect, five events and close within 1 s; nothing came";

    expect_golden_path(*exchange);
    const std::set<std::thread::id> threads(exchange->callback_threads.begin(),
                                            exchange->callback_threads.end());
    EXPECT_EQ(threads.size(), 1U) << "a loop of one thread ran callbacks on several threads";
    EXPECT_EQ(threads.count(std::this_thread::get_id()), 0U)
        << "a callback ran on the test thread, not on the loop's";
    const auto connection = server.wait_for_connection(Clock::now() + kWait);
    ASSERT_NE(connection, nullptr) << "the server recorded no connection within 1 s";
    expect_server_saw_the_run(*connection);
    EXPECT_EQ(loop.handler_exceptions(), 0U) << "a callback ran twice or threw";
}

TEST(AsyncWebSocketClient, GoldenPathOnACallerDrivenLoopRunsEveryCallbackOnTheTestThread) {
    AgentServerDouble server;
    EventLoop loop(0);
    AsyncWebSocketClient client(loop);
    std::optional<Exchange> exchange;

    GoldenPathExchange::start(client, request_to(server.url()),
                              [&exchange](Exchange seen) { exchange = std::move(seen); });
    EXPECT_FALSE(exchange) << "a callback ran inside async_connect()";
    ASSERT_TRUE(drive_until(
        loop, [&exchange] { return exchange.has_value(); }, kWait))
        << "expected connect, five events and close within 1 s of run_for(); nothing came";

    expect_golden_path(*exchange);
    for (const auto& thread : exchange->callback_threads) {
        EXPECT_EQ(thread, std::this_thread::get_id()) << "a callback ran off the driving thread";
    }
    const auto connection = server.wait_for_connection(Clock::now() + kWait);
    ASSERT_NE(connection, nullptr) << "the server recorded no connection within 1 s";
    expect_server_saw_the_run(*connection);
}

// The failure BeastClient and AsyncWebSocketClient give for the same request.
struct ParityCase {
    std::optional<Failure> blocking;
    std::optional<Failure> async;
};

ParityCase connect_both_ways(const ConnectRequest& request) {
    ParityCase result;
    BeastClient blocking;
    result.blocking = blocking.connect(request);

    EventLoop loop(1);
    AsyncWebSocketClient client(loop);
    Delivery<std::optional<Failure>> delivery;
    client.async_connect(request, delivery.callback());
    auto async = delivery.wait(kWait);
    EXPECT_TRUE(async) << "expected the connect callback within 1 s; it did not run";
    if (async) {
        result.async = std::move(*async);
    }
    return result;
}

void expect_same_classification(const ParityCase& parity, FailureKind kind,
                                const std::string& label) {
    ASSERT_TRUE(parity.blocking) << "BeastClient connected, expected " << label;
    ASSERT_TRUE(parity.async) << "AsyncWebSocketClient connected, expected " << label
                              << " as BeastClient gave: " << parity.blocking->to_string();
    const Failure& blocking = *parity.blocking;
    const Failure& async = *parity.async;
    EXPECT_EQ(blocking.kind, kind) << blocking.to_string();
    EXPECT_EQ(blocking.kind_label(), label) << blocking.to_string();
    const std::string both = "\n  BeastClient: " + blocking.to_string() +
                             "\n  AsyncWebSocketClient: " + async.to_string();
    EXPECT_EQ(async.kind, blocking.kind) << both;
    EXPECT_EQ(async.kind_label(), blocking.kind_label()) << both;
    EXPECT_EQ(async.phase, blocking.phase) << both;
    EXPECT_EQ(async.http_status, blocking.http_status) << both;
    EXPECT_EQ(async.body_excerpt, blocking.body_excerpt) << both;
    EXPECT_EQ(async.retryable, blocking.retryable) << both;
    EXPECT_EQ(async.url, blocking.url) << both;
    ASSERT_EQ(async.attempts.size(), blocking.attempts.size()) << both;
    for (std::size_t i = 0; i < async.attempts.size(); ++i) {
        EXPECT_EQ(async.attempts[i].kind_label, blocking.attempts[i].kind_label) << both;
        EXPECT_EQ(async.attempts[i].url, blocking.attempts[i].url) << both;
    }
}

TEST(AsyncWebSocketClientParity, NothingListeningIsRefusedAsWithBeastClient) {
    const auto request = request_to(fmt::format("ws://127.0.0.1:{}/ws", test::unused_port()));
    const auto started = Clock::now();
    const auto parity = connect_both_ways(request);
    // Both clients in turn, each within the connect deadline plus slack.
    EXPECT_LT(elapsed_ms(started, Clock::now()),
              2 * (static_cast<double>(kFaultDeadline.count()) + kSlackMs));
    expect_same_classification(parity, FailureKind::refused, "refused");
}

TEST(AsyncWebSocketClientParity, RejectedUpgradeIsHttpStatus404AsWithBeastClient) {
    AgentServerDoubleOptions options;
    options.reject_upgrade_status = 404;
    const AgentServerDouble server(options);
    const auto parity = connect_both_ways(request_to(server.url()));
    expect_same_classification(parity, FailureKind::http_status, "http_status(404)");
    ASSERT_TRUE(parity.async);
    EXPECT_EQ(parity.async->http_status, 404);
    EXPECT_EQ(parity.async->body_excerpt, "not found");
    EXPECT_EQ(server.connections().size(), 2U) << "one upgrade per client";
}

TEST(AsyncWebSocketClientParity, MissingTokenIsAuthRejected401AsWithBeastClient) {
    AgentServerDoubleOptions options;
    options.tokens = {"tok-required-7c1"};
    const AgentServerDouble server(options);
    const auto parity = connect_both_ways(request_to(server.url()));
    expect_same_classification(parity, FailureKind::auth_rejected, "auth_rejected");
    ASSERT_TRUE(parity.async);
    EXPECT_EQ(parity.async->http_status, 401);
    EXPECT_EQ(parity.async->phase, Phase::upgrade);
    EXPECT_FALSE(parity.async->retryable);
}

// A client connected on a one-thread loop to a silent double, with the connection's handle and
// connection_established already received.
class ConnectedAsyncClient : public testing::Test {
  protected:
    void SetUp() override {
        Delivery<std::optional<Failure>> connected;
        client_->async_connect(request_to(server_.url()), connected.callback());
        const auto failure = connected.wait(kWait);
        ASSERT_TRUE(failure) << "expected the connect callback within 1 s";
        ASSERT_FALSE(*failure) << (*failure)->to_string();
        connection_ = server_.wait_for_connection(Clock::now() + kWait);
        ASSERT_NE(connection_, nullptr) << "the server recorded no connection within 1 s";
        const auto ready = receive(kWait);
        ASSERT_TRUE(ready) << "expected connection_established within 1 s; nothing came";
        ASSERT_EQ(ready->status, ReceiveResult::Status::frame) << describe(*ready);
        ASSERT_EQ(type_of(ready->frame.text), "connection_established") << ready->frame.text;
    }

    // One async_receive with `deadline`, its result waited for until the deadline plus slack.
    std::optional<ReceiveResult> receive(Milliseconds deadline) {
        Delivery<ReceiveResult> delivery;
        client_->async_receive(Clock::now() + deadline, delivery.callback());
        return delivery.wait(deadline + Milliseconds(static_cast<long>(kSlackMs)));
    }

    AgentServerDouble server_{silent_options()};
    EventLoop loop_{1};
    std::unique_ptr<AsyncWebSocketClient> client_ = std::make_unique<AsyncWebSocketClient>(loop_);
    std::shared_ptr<ServerConnection> connection_;
};

TEST_F(ConnectedAsyncClient, ReceiveTimeoutLeavesTheReadPendingAndTheNextReceiveGetsTheFrame) {
    constexpr Milliseconds kShort{100};
    const auto started = Clock::now();
    const auto timed_out = receive(kShort);
    const double took = elapsed_ms(started, Clock::now());
    ASSERT_TRUE(timed_out) << "expected the receive callback within " << kShort.count()
                           << " ms + slack; it did not run";
    EXPECT_EQ(timed_out->status, ReceiveResult::Status::timeout)
        << "expected a timeout from the silent server, got " << describe(*timed_out);
    EXPECT_GE(took, static_cast<double>(kShort.count()) - 1.0) << "the deadline fired early";
    EXPECT_LT(took, static_cast<double>(kShort.count()) + kSlackMs);

    ASSERT_TRUE(connection_->send_text(R"({"type":"heartbeat","n":1})"));
    const auto late = receive(kWait);
    ASSERT_TRUE(late) << "expected the frame sent after the timeout within 1 s; nothing came";
    ASSERT_EQ(late->status, ReceiveResult::Status::frame) << describe(*late);
    EXPECT_EQ(late->frame.text, R"({"type":"heartbeat","n":1})");
    EXPECT_EQ(loop_.handler_exceptions(), 0U);
}

TEST_F(ConnectedAsyncClient, TwoReceivesAtOnceIsALogicErrorNamingBothAndTheFirstStillWorks) {
    Delivery<ReceiveResult> first;
    client_->async_receive(Clock::now() + kWait, first.callback());
    auto second_ran = std::make_shared<std::atomic<bool>>(false);
    try {
        client_->async_receive(Clock::now() + kWait,
                               [second_ran](ReceiveResult) { *second_ran = true; });
        ADD_FAILURE() << "expected std::logic_error for a second async_receive";
    } catch (const std::logic_error& error) {
        const std::string what = error.what();
        const auto first_at = what.find("async_receive");
        ASSERT_NE(first_at, std::string::npos) << what;
        EXPECT_NE(what.find("async_receive", first_at + 1), std::string::npos)
            << "expected both operations (async_receive twice) named in: " << what;
    }
    try {
        client_->async_connect(request_to(server_.url()), [](std::optional<Failure>) {});
        ADD_FAILURE() << "expected std::logic_error for async_connect during async_receive";
    } catch (const std::logic_error& error) {
        EXPECT_THAT(error.what(), HasSubstr("async_connect"));
        EXPECT_THAT(error.what(), HasSubstr("async_receive"));
    }

    ASSERT_TRUE(connection_->send_text(R"({"type":"heartbeat","n":2})"));
    const auto received = first.wait(kWait);
    ASSERT_TRUE(received) << "the outstanding receive never completed (1 s)";
    ASSERT_EQ(received->status, ReceiveResult::Status::frame) << describe(*received);
    EXPECT_EQ(received->frame.text, R"({"type":"heartbeat","n":2})");
    EXPECT_FALSE(*second_ran) << "the callback of the rejected async_receive ran";
    EXPECT_EQ(server_.connections().size(), 1U) << "the rejected async_connect connected";
}

TEST_F(ConnectedAsyncClient, SendMayOverlapAnOutstandingReceive) {
    Delivery<ReceiveResult> received;
    client_->async_receive(Clock::now() + kWait, received.callback());
    Delivery<std::optional<Failure>> sent;
    ASSERT_NO_THROW(client_->async_send_text("hello while reading", sent.callback()));

    const auto send_failure = sent.wait(kWait);
    ASSERT_TRUE(send_failure) << "expected the send callback within 1 s";
    EXPECT_FALSE(*send_failure) << (*send_failure)->to_string();
    EXPECT_TRUE(connection_->wait_for_message(1, Clock::now() + kWait))
        << "the server did not receive the overlapping send within 1 s";
    EXPECT_THAT(connection_->messages(), ElementsAre("hello while reading"));

    ASSERT_TRUE(connection_->send_text(R"({"type":"heartbeat","n":3})"));
    const auto frame = received.wait(kWait);
    ASSERT_TRUE(frame) << "the receive overlapped by a send never completed (1 s)";
    ASSERT_EQ(frame->status, ReceiveResult::Status::frame) << describe(*frame);
    EXPECT_EQ(frame->frame.text, R"({"type":"heartbeat","n":3})");
}

TEST_F(ConnectedAsyncClient, DestroyedWithAReceiveOutstandingCallsItBackOnceAndCloses) {
    auto calls = std::make_shared<std::atomic<int>>(0);
    Delivery<ReceiveResult> delivery;
    // Its deadline is well past the wait below: only the destruction can end this receive in time.
    client_->async_receive(Clock::now() + 3s,
                           [calls, deliver = delivery.callback()](ReceiveResult result) {
                               ++*calls;
                               deliver(std::move(result));
                           });
    client_.reset();

    const auto result = delivery.wait(kWait);
    ASSERT_TRUE(result) << "the outstanding receive was never called back (1 s after the "
                           "client was destroyed)";
    EXPECT_EQ(result->status, ReceiveResult::Status::closed)
        << "expected the pending receive to end as closed(1001), got " << describe(*result);
    EXPECT_EQ(result->close.code, 1001) << describe(*result);
    EXPECT_EQ(connection_->wait_closed(Clock::now() + kWait), std::optional<int>(1001))
        << "expected the server to see the client's close 1001 within 1 s";
    EXPECT_EQ(calls->load(), 1) << "the receive callback ran more than once";
    EXPECT_EQ(loop_.handler_exceptions(), 0U);
}

TEST(AsyncWebSocketClient, DestroyedOnACallerDrivenLoopWithAReceiveOutstanding) {
    AgentServerDouble server(silent_options());
    EventLoop loop(0);
    auto client = std::make_unique<AsyncWebSocketClient>(loop);
    std::optional<std::optional<Failure>> connected;
    client->async_connect(request_to(server.url()), [&connected](std::optional<Failure> failure) {
        connected.emplace(std::move(failure));
    });
    ASSERT_TRUE(drive_until(
        loop, [&connected] { return connected.has_value(); }, kWait))
        << "expected the connect callback within 1 s";
    ASSERT_FALSE(*connected) << (*connected)->to_string();
    const auto connection = server.wait_for_connection(Clock::now() + kWait);
    ASSERT_NE(connection, nullptr);

    std::vector<ReceiveResult> results;
    client->async_receive(Clock::now() + 3s,
                          [&results](ReceiveResult result) { results.push_back(result); });
    ASSERT_TRUE(drive_until(
        loop, [&results] { return !results.empty(); }, kWait));
    ASSERT_EQ(type_of(results[0].frame.text), "connection_established");
    client->async_receive(Clock::now() + 3s,
                          [&results](ReceiveResult result) { results.push_back(result); });
    loop.poll();
    client.reset();

    ASSERT_TRUE(drive_until(
        loop, [&results] { return results.size() == 2; }, kWait))
        << "the outstanding receive was never called back (1 s of run_for after destruction)";
    EXPECT_EQ(results[1].status, ReceiveResult::Status::closed)
        << "expected the pending receive to end as closed(1001), got " << describe(results[1]);
    EXPECT_EQ(results[1].close.code, 1001) << describe(results[1]);
    // The background close runs on this loop too: drive it until the server saw it end.
    std::optional<int> closed_with;
    drive_until(
        loop,
        [&] {
            closed_with = connection->wait_closed(Clock::now());
            return closed_with.has_value();
        },
        kWait);
    EXPECT_EQ(closed_with, std::optional<int>(1001))
        << "expected the server to see close 1001 within 1 s of driving the loop";
    loop.run_for(kFaultDeadline);
    EXPECT_EQ(results.size(), 2U) << "the receive callback ran more than once";
}

TEST(AsyncWebSocketClient, KeepaliveOfZeroOrLessThrowsConfigErrorBeforeAnythingIsQueued) {
    const AgentServerDouble server;
    for (const auto keepalive : {Milliseconds(0), Milliseconds(-5)}) {
        SCOPED_TRACE(fmt::format("keepalive {} ms", keepalive.count()));
        EventLoop loop(0);
        AsyncWebSocketClient client(loop);
        auto request = request_to(server.url());
        request.keepalive = keepalive;
        bool called = false;
        try {
            client.async_connect(request, [&called](std::optional<Failure>) { called = true; });
            ADD_FAILURE() << "expected ConfigError naming /keepalive";
        } catch (const ConfigError& error) {
            EXPECT_EQ(error.field(), "/keepalive_ms") << error.what();
            EXPECT_THAT(error.what(), HasSubstr(std::to_string(keepalive.count())));
        }
        EXPECT_EQ(loop.run_for(100ms), 0U) << "async_connect queued work although it threw";
        EXPECT_FALSE(called) << "the callback of a rejected async_connect ran";
    }
    EXPECT_TRUE(server.connections().empty()) << "a rejected async_connect reached the server";
}

TEST(AsyncJourney, FiftyJourneysAtOnceOnOneLoopThreadAllPass) {
    constexpr std::size_t kJourneys = 50;
    AgentServerDouble server(pausing_options());
    const auto started = Clock::now();
    struct Collected {
        std::mutex mutex;
        std::vector<JourneyResult> results;
        std::set<std::thread::id> threads;
    };
    auto collected = std::make_shared<Collected>();
    Delivery<bool> all_done;
    auto deliver = all_done.callback();
    EventLoop loop(1);
    for (std::size_t user = 0; user < kJourneys; ++user) {
        // A temporary journey: async_run keeps its own copy of the options.
        GoldenPathJourney(journey_to(server.url(), user))
            .async_run(loop, [collected, deliver](JourneyResult result) {
                const std::lock_guard lock(collected->mutex);
                collected->threads.insert(std::this_thread::get_id());
                collected->results.push_back(std::move(result));
                if (collected->results.size() == kJourneys) {
                    deliver(true);
                }
            });
    }

    // One after another they would take kJourneys x kServerPause = 5 s; at once, a little more
    // than one pause (2 s leaves room for sanitizers and a busy machine).
    const bool finished = all_done.wait(2 * kWait).has_value();
    const double took = elapsed_ms(started, Clock::now());
    const std::lock_guard lock(collected->mutex);
    ASSERT_TRUE(finished) << "expected " << kJourneys << " journeys at once within 2 s, but "
                          << collected->results.size() << " finished by then";
    RecordProperty("journeys_ms", static_cast<int>(took));
    std::set<std::string> run_ids;
    for (const auto& result : collected->results) {
        EXPECT_THAT(result, FollowsGoldenPath());
        run_ids.insert(result.run_id);
    }
    EXPECT_EQ(run_ids.size(), kJourneys) << "journeys shared run ids";
    EXPECT_EQ(collected->threads.size(), 1U) << "a loop of one thread ran handlers on several";
    EXPECT_EQ(collected->threads.count(std::this_thread::get_id()), 0U);
    EXPECT_EQ(server.connections().size(), kJourneys);
    EXPECT_EQ(loop.handler_exceptions(), 0U) << "a journey handler ran twice";
}

TEST(AsyncJourney, AFailingJourneyFailsExactlyAsTheBlockingRun) {
    AgentServerDoubleOptions server_options;
    server_options.script = Script::golden_path().swap_events(2, 3);
    AgentServerDouble server(server_options);
    GoldenPathJourney journey(journey_to(server.url()));

    const JourneyResult blocking = journey.run();
    EventLoop loop(1);
    Delivery<JourneyResult> delivery;
    journey.async_run(loop, delivery.callback());
    const auto async = delivery.wait(kWait);

    ASSERT_TRUE(async) << "expected the async journey's result within 1 s";
    ASSERT_TRUE(blocking.failure) << blocking.to_string();
    EXPECT_EQ(blocking.failure->kind_label(), "protocol_violation(unmatched_tool_completed)");
    ASSERT_TRUE(async->failure) << "async_run passed where run() failed with "
                                << blocking.failure->to_string();
    EXPECT_EQ(async->failure->kind, blocking.failure->kind) << async->to_string();
    EXPECT_EQ(async->failure->kind_label(), blocking.failure->kind_label()) << async->to_string();
    EXPECT_EQ(async->failure->rule, blocking.failure->rule) << async->to_string();
    EXPECT_EQ(async->failure->event_index, blocking.failure->event_index) << async->to_string();
}

std::size_t process_thread_count() {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator("/proc/self/task")) {
        ++count;
    }
    return count;
}

TEST(AsyncLoadRun, AHundredUsersOnOneIoThreadUseNoThreadPerConnection) {
    constexpr std::size_t kUsers = 100;
    // The pause keeps every user's connection open at the same time, as a load run would.
    AgentServerDouble server(pausing_options());
    // Measured with the double running: the test's own thread, the double's io thread and
    // whatever gtest or the runtime started. The run may add its io_threads and, at most, a
    // couple of helpers (e.g. the thread that waits for the loop); a thread per user would add
    // about kUsers.
    const std::size_t before = process_thread_count();
    LoadRunOptions options;
    options.config.url = Url::parse(server.url());
    options.users = kUsers;
    options.config.timeouts.completion = 2000ms;
    options.io_threads = 1;
    std::size_t max_threads = 0;  // on_progress is never called twice at once
    std::size_t progress_calls = 0;
    options.on_progress = [&](const LoadProgress&) {
        max_threads = std::max(max_threads, process_thread_count());
        ++progress_calls;
    };

    const LoadReport report = LoadRun(options).run();
    RecordProperty("threads_before", static_cast<int>(before));
    RecordProperty("threads_max_during_run", static_cast<int>(max_threads));

    EXPECT_TRUE(report.passed()) << report.to_string();
    ASSERT_EQ(report.journeys.size(), kUsers) << report.to_string();
    for (const auto& journey : report.journeys) {
        EXPECT_THAT(journey.result, FollowsGoldenPath()) << "user " << journey.user;
    }
    EXPECT_EQ(progress_calls, kUsers);
    EXPECT_LE(max_threads, before + options.io_threads + 2)
        << "threads before the run: " << before << "; a thread per user would be about "
        << before + kUsers;
    EXPECT_EQ(server.connections().size(), kUsers);
}

TEST(AsyncLoadRun, BlockingFactoryClientsStillRunAtOnce) {
    // BeastClients from a client_factory block in every call; each runs on a thread of its own,
    // so the users still overlap: one after another they would need kUsers x kServerPause.
    constexpr std::size_t kUsers = 20;
    AgentServerDouble server(pausing_options());
    LoadRunOptions options;
    options.config.url = Url::parse(server.url());
    options.users = kUsers;
    options.config.timeouts.completion = 1000ms;
    options.io_threads = 1;
    std::atomic<std::size_t> made{0};
    options.client_factory = [&made](std::size_t) {
        ++made;
        return std::make_unique<BeastClient>();
    };
    const auto started = Clock::now();

    const LoadReport report = LoadRun(options).run();

    const double took = elapsed_ms(started, Clock::now());
    EXPECT_TRUE(report.passed()) << report.to_string();
    EXPECT_EQ(made.load(), kUsers);
    const double one_after_another = static_cast<double>(kUsers * kServerPause.count());
    EXPECT_LT(took, one_after_another / 2)
        << "the blocking clients ran one after another (" << took << " ms for " << kUsers
        << " users with a " << kServerPause.count() << " ms server pause each)";
}

}  // namespace
}  // namespace goldenpath
