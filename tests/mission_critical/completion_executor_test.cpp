// CompletionExecutor: the loop does the I/O, the caller's own executor runs the callbacks. Here
// the caller's executor is a queue that only the test thread drains, so a callback that ran
// anywhere else, or before the test drained it, is caught.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include <gtest/gtest.h>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/async_websocket_client.hpp"
#include "goldenpath/event_loop.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/timeout_scale.hpp"

namespace goldenpath {
namespace {

const Milliseconds kLimit = scaled(Milliseconds{2000});

// A minimal executor of the caller's: tasks wait in a queue until the owner runs them.
class TaskQueue {
  public:
    CompletionExecutor executor() {
        return [this](std::function<void()> task) {
            std::lock_guard lock(mutex_);
            tasks_.push_back(std::move(task));
            arrived_.notify_all();
        };
    }

    std::size_t queued() {
        std::lock_guard lock(mutex_);
        return tasks_.size();
    }

    // Runs queued tasks on this thread, one at a time, until `done()` or `limit`; true when done.
    // `done()` is checked before each task, so a task can be seen queued and left unrun.
    bool run_until(const std::function<bool()>& done, Milliseconds limit) {
        const auto deadline = Clock::now() + limit;
        while (!done()) {
            std::function<void()> task;
            {
                std::unique_lock lock(mutex_);
                if (!arrived_.wait_until(lock, deadline, [&] { return !tasks_.empty(); })) {
                    return false;
                }
            }
            if (done()) {
                return true;
            }
            {
                std::lock_guard lock(mutex_);
                task = std::move(tasks_.front());
                tasks_.pop_front();
            }
            task();
        }
        return true;
    }

  private:
    std::mutex mutex_;
    std::condition_variable arrived_;
    std::deque<std::function<void()>> tasks_;
};

ConnectRequest request_to(const AgentServerDouble& server) {
    EndpointConfig config;
    config.url = Url::parse(server.url());
    return connect_request_for(config, default_profile(), 0, config.url);
}

TEST(CompletionExecutorTest, ClientCallbacksRunOnlyWhereTheCallersExecutorRunsThem) {
    const AgentServerDouble server;
    EventLoop loop(1);
    TaskQueue queue;
    AsyncWebSocketClient client(loop, system_resolver(), queue.executor());
    std::optional<std::optional<Failure>> connected;
    std::optional<std::thread::id> ran_on;

    client.async_connect(request_to(server), [&](std::optional<Failure> failure) {
        connected = std::move(failure);
        ran_on = std::this_thread::get_id();
    });

    ASSERT_TRUE(queue.run_until([&] { return queue.queued() > 0 || connected; }, kLimit))
        << "the connect callback never reached the caller's executor within " << kLimit.count()
        << " ms";
    EXPECT_FALSE(connected) << "the callback ran on the loop instead of the caller's executor";
    ASSERT_TRUE(queue.run_until([&] { return connected.has_value(); }, kLimit));
    EXPECT_FALSE(*connected) << (*connected)->to_string();
    EXPECT_EQ(ran_on, std::this_thread::get_id());

    std::optional<std::vector<ReceivedFrame>> closed;
    client.async_close(1000, "done", Clock::now() + kLimit,
                       [&](std::vector<ReceivedFrame> late) { closed = std::move(late); });
    ASSERT_TRUE(queue.run_until([&] { return closed.has_value(); }, kLimit))
        << "no close callback within " << kLimit.count() << " ms";
}

TEST(CompletionExecutorTest, AsyncJourneyResultIsDeliveredThroughTheCallersExecutor) {
    const AgentServerDouble server;
    EventLoop loop(1);
    TaskQueue queue;
    JourneyOptions options;
    options.config.url = Url::parse(server.url());
    std::optional<JourneyResult> result;
    std::optional<std::thread::id> ran_on;

    GoldenPathJourney(options).async_run(
        loop,
        [&](JourneyResult finished) {
            result = std::move(finished);
            ran_on = std::this_thread::get_id();
        },
        queue.executor());

    ASSERT_TRUE(queue.run_until([&] { return result.has_value(); }, kLimit))
        << "no journey result through the caller's executor within " << kLimit.count() << " ms";
    EXPECT_TRUE(result->passed()) << result->to_string();
    EXPECT_EQ(ran_on, std::this_thread::get_id());
}

}  // namespace
}  // namespace goldenpath
