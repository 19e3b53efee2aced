// The thread-safety contract of AgentServerDouble and ServerConnection (docs/architecture.md,
// "Thread safety"): stop() from the double's own callbacks, concurrent stop()s, and predicates
// that call back into the double.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "goldenpath/agent_behaviour.hpp"
#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/beast_client.hpp"
#include "goldenpath/server_connection.hpp"
#include "goldenpath/timeout_scale.hpp"
#include "raw_websocket_client.hpp"
#include "transport_test_support.hpp"

namespace goldenpath {
namespace {

using namespace std::chrono_literals;
using namespace goldenpath::test;
using testing_support::RawWebSocketClient;

constexpr std::size_t kAnyNumberOfFrames = 1000;

// Ample for a call that waits for nothing: stop() from a callback only asks, and connections()
// only copies.
const Milliseconds kPrompt = scaled(Milliseconds(200));

// Reads until the double's close frame; fails the test unless it came in time.
void expect_the_double_closes(RawWebSocketClient& client) {
    client.read_frames(kAnyNumberOfFrames, Clock::now() + kWait);
    EXPECT_TRUE(client.saw_close()) << "expected the double's close frame within 1 s";
}

void expect_refused(const AgentServerDouble& server) {
    BeastClient late;
    const auto failure = late.connect(request_for(server.url()));
    ASSERT_TRUE(failure.has_value()) << "a stopped double must not accept connections";
    EXPECT_EQ(failure->kind, FailureKind::refused) << failure->to_string();
}

// A double whose script stalls, one client connected to it, and the double's handle on it.
struct StalledConnection {
    static AgentServerDoubleOptions stalling() {
        AgentServerDoubleOptions options;
        options.script = Script().stall();
        return options;
    }

    AgentServerDouble server{stalling()};
    RawWebSocketClient client{server.port(), default_profile().path, Clock::now() + kWait};
    std::shared_ptr<ServerConnection> handle = server.wait_for_connection(Clock::now() + kWait);
};

TEST(AgentServerDoubleThreadSafety, StopFromOnConnectionReturnsAndTheDestructorJoins) {
    std::atomic<AgentServerDouble*> self{nullptr};
    std::promise<Clock::duration> stop_took;
    AgentServerDoubleOptions options;
    options.script = Script().stall();
    options.on_connection = [&](const std::shared_ptr<ServerConnection>&) {
        const auto started = Clock::now();
        self.load()->stop();
        stop_took.set_value(Clock::now() - started);
    };
    auto server = std::make_unique<AgentServerDouble>(options);
    self = server.get();

    auto client = std::make_unique<RawWebSocketClient>(server->port(), default_profile().path,
                                                       Clock::now() + kWait);
    auto took = stop_took.get_future();
    ASSERT_EQ(took.wait_until(Clock::now() + 2 * kWait), std::future_status::ready)
        << "stop() called on the double's io thread never returned";
    EXPECT_LT(took.get(), kPrompt) << "stop() on the io thread waited for itself";
    expect_the_double_closes(*client);
    client.reset();  // hangs up: the double need not wait out its close grace
    expect_refused(*server);
    EXPECT_TRUE(server->harness_errors().empty()) << server->harness_errors().front();
    server.reset();  // joins the io thread; used to terminate the process
}

// Calls stop() on its own double for the first message, then answers nothing.
class StopsItsDouble : public AgentBehaviour {
  public:
    std::optional<Script> on_message(const RecordedConnection& /*connection*/,
                                     const std::string& /*message*/) override {
        if (!stopped_) {
            stopped_ = true;
            server.load()->stop();
            stop_returned.set_value();
        }
        return std::nullopt;
    }

    std::atomic<AgentServerDouble*> server{nullptr};
    std::promise<void> stop_returned;

  private:
    bool stopped_ = false;  // io thread only
};

TEST(AgentServerDoubleThreadSafety, StopFromABehaviourThenFromTheTestJoinsOnce) {
    const auto behaviour = std::make_shared<StopsItsDouble>();
    AgentServerDoubleOptions options;
    options.behaviour = behaviour;
    AgentServerDouble server(options);
    behaviour->server = &server;

    auto client = std::make_unique<RawWebSocketClient>(server.port(), default_profile().path,
                                                       Clock::now() + kWait);
    ASSERT_TRUE(client->send_text("stop", Clock::now() + kWait));
    ASSERT_EQ(behaviour->stop_returned.get_future().wait_until(Clock::now() + 2 * kWait),
              std::future_status::ready)
        << "stop() called from AgentBehaviour::on_message never returned";
    expect_the_double_closes(*client);
    client.reset();

    server.stop();  // from the test's thread: joins
    const auto connections = server.connections();
    ASSERT_EQ(connections.size(), 1U);
    EXPECT_EQ(connections.front().received.size(), 1U);
    expect_refused(server);
    EXPECT_TRUE(server.harness_errors().empty()) << server.harness_errors().front();
}

// The second stop() comes while the first is stopping (its close frame is out, and the client
// never answers it, so the double waits out its close grace): it must wait for the first.
TEST(AgentServerDoubleThreadSafety, ConcurrentStopsEachReturnOnlyOnceTheDoubleIsStopped) {
    StalledConnection stalled;
    ASSERT_NE(stalled.handle, nullptr) << "no connection handle within 1 s";
    AgentServerDouble& server = stalled.server;
    RawWebSocketClient& client = stalled.client;
    const auto& handle = stalled.handle;

    std::atomic<bool> open_after_first_stop{true};
    std::thread first([&] {
        server.stop();
        open_after_first_stop = handle->is_open();
    });
    expect_the_double_closes(client);  // the first stop() is under way
    server.stop();
    EXPECT_FALSE(handle->is_open()) << "the second stop() returned before the double stopped";
    EXPECT_FALSE(handle->send_text("after stop"));
    first.join();
    EXPECT_FALSE(open_after_first_stop.load()) << "the first stop() returned too early";
}

// A predicate may call the double: on this thread (it would relock the journal) or by waiting
// for another thread that does.
TEST(AgentServerDoubleThreadSafety, AWaitForMessagePredicateMayCallTheDouble) {
    StalledConnection stalled;
    ASSERT_NE(stalled.handle, nullptr) << "no connection handle within 1 s";
    AgentServerDouble& server = stalled.server;
    RawWebSocketClient& client = stalled.client;
    const auto& handle = stalled.handle;
    ASSERT_TRUE(client.send_text("hello", Clock::now() + kWait));

    std::future<std::size_t> from_another_thread;  // outlives the wait: its end may block
    bool another_thread_got_through = false;
    std::size_t connections_seen = 0;
    const auto found = handle->wait_for_message(
        [&](const std::string& message) {
            from_another_thread =
                std::async(std::launch::async, [&server] { return server.connections().size(); });
            another_thread_got_through =
                from_another_thread.wait_for(kPrompt) == std::future_status::ready;
            if (!another_thread_got_through) {
                return true;  // calling in from this thread would deadlock
            }
            connections_seen = server.connections().size();
            return message == "hello";
        },
        Clock::now() + kWait);
    EXPECT_TRUE(another_thread_got_through)
        << "connections() from another thread blocked while the predicate ran";
    EXPECT_EQ(connections_seen, 1U);
    EXPECT_EQ(found, std::optional<std::string>("hello"));
}

}  // namespace
}  // namespace goldenpath
