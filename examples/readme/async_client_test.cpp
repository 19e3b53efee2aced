// README example: many journeys on one EventLoop, and a client on a loop the caller drives.
// [readme:async_core]
#include <chrono>
#include <cstddef>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/async_websocket_client.hpp"
#include "goldenpath/event_loop.hpp"
#include "goldenpath/golden_path_journey.hpp"

using namespace goldenpath;

TEST(AsyncCore, TwentyJourneysShareOneLoopThread) {
    constexpr std::size_t kJourneys = 20;
    AgentServerDouble server;
    auto all_done = std::make_shared<std::promise<std::vector<JourneyResult>>>();
    auto results = std::make_shared<std::vector<JourneyResult>>();  // only touched on the loop
    auto finished = all_done->get_future();
    EventLoop loop(1);  // one thread of its own, however many connections it drives
    for (std::size_t user = 0; user < kJourneys; ++user) {
        JourneyOptions options;
        options.config.url = Url::parse(server.url());
        options.user = user;
        GoldenPathJourney(options).async_run(loop, [all_done, results](JourneyResult result) {
            results->push_back(std::move(result));
            if (results->size() == kJourneys) {
                all_done->set_value(std::move(*results));
            }
        });
    }
    ASSERT_EQ(finished.wait_for(std::chrono::seconds(2)), std::future_status::ready);
    for (const JourneyResult& result : finished.get()) {
        EXPECT_TRUE(result.passed()) << result.to_string();
    }
}

TEST(AsyncCore, AClientOnALoopTheCallerDrives) {
    AgentServerDouble server;
    EventLoop loop(0);  // no threads: handlers run inside run_for() on this thread
    AsyncWebSocketClient client(loop);
    ConnectRequest request;
    request.url = Url::parse(server.url());
    const auto deadline = Clock::now() + Milliseconds(1000);
    std::vector<std::string> types;
    bool closed = false;

    std::function<void(ReceiveResult)> on_frame = [&](ReceiveResult received) {
        ASSERT_EQ(received.status, ReceiveResult::Status::frame);
        types.push_back(nlohmann::json::parse(received.frame.text).value("type", ""));
        if (types.back() == "connection_established") {  // ready: start a run
            const auto start = default_profile().start_message("Where is my order?", "t-1", "r-1");
            client.async_send_text(start, [&](std::optional<Failure> failure) {
                ASSERT_FALSE(failure) << failure->to_string();
                client.async_receive(deadline, on_frame);
            });
        } else if (types.back() == "agent_completed") {
            client.async_close(1000, "done", deadline,
                               [&](std::vector<ReceivedFrame>) { closed = true; });
        } else {
            client.async_receive(deadline, on_frame);
        }
    };
    client.async_connect(request, [&](std::optional<Failure> failure) {
        ASSERT_FALSE(failure) << failure->to_string();
        client.async_receive(deadline, on_frame);
    });
    while (!closed && Clock::now() < deadline) {
        loop.run_for(Milliseconds(10));  // or poll() from your own executor's task
    }
    EXPECT_TRUE(closed);
    EXPECT_EQ(types.size(), 6u);  // connection_established and the five golden-path events
}
// [end]
