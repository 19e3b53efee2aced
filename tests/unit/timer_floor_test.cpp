#include "timer_floor.hpp"  // first: the header is self-contained

#include <chrono>
#include <future>
#include <optional>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace goldenpath::detail {
namespace {

using Clock = std::chrono::steady_clock;
namespace net = boost::asio;

// Each test's bound: a floor that kept its context busy would make run_for time out instead of
// running out of work, and the context would not be stopped.
constexpr auto kBound = std::chrono::seconds(10);

TEST(TimerFloorTest, ADeadlineNearerThanTheFloorFiresWhileItIsArmed) {
    net::io_context context;
    std::optional<TimerFloor> floor(std::in_place, context);
    net::steady_timer nearer(context, std::chrono::milliseconds(1));
    bool fired = false;
    nearer.async_wait([&](const boost::system::error_code& ec) {
        fired = !ec;
        floor->stop();
    });
    context.run_for(kBound);
    EXPECT_TRUE(fired);
    EXPECT_TRUE(context.stopped())
        << "the floor kept the context busy for " << kBound.count() << " s after it was stopped";
}

TEST(TimerFloorTest, ADeadlineBeyondSeveralPeriodsFiresNoEarlier) {
    net::io_context context;
    TimerFloor floor(context);
    const auto wanted = 2 * TimerFloor::kPeriod;
    const auto started = Clock::now();
    std::optional<Clock::duration> waited;
    net::steady_timer later(context, wanted);
    later.async_wait([&](const boost::system::error_code& ec) {
        if (!ec) {
            waited = Clock::now() - started;
        }
        floor.stop();
    });
    context.run_for(kBound);
    ASSERT_TRUE(waited.has_value()) << "the later deadline never fired";
    EXPECT_GE(*waited, wanted);
    EXPECT_TRUE(context.stopped());
}

TEST(TimerFloorTest, DestroyingAFloorStopsIt) {
    net::io_context context;
    { TimerFloor floor(context); }
    context.run_for(kBound);
    EXPECT_TRUE(context.stopped());
}

TEST(TimerFloorTest, ABoundedFloorEndsByItself) {
    net::io_context context;
    TimerFloor floor(context, 2);
    context.run_for(kBound);
    EXPECT_TRUE(context.stopped())
        << "a floor of 2 periods was still armed after " << kBound.count() << " s";
}

// A load run's loop has several threads; the floor is stopped from the thread that waits for the
// users (TSan checks the hand-over in CI).
TEST(TimerFloorTest, StopsFromAnotherThreadWhileTheContextRunsOnTwo) {
    net::io_context context;
    auto work = net::make_work_guard(context);
    std::optional<TimerFloor> floor(std::in_place, context);
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
        threads.emplace_back([&context] { context.run_for(kBound); });
    }
    // Let it fire and re-arm, waiting on a timer of the context itself.
    std::promise<void> periods_passed;
    net::steady_timer wait(context, 2 * TimerFloor::kPeriod);
    wait.async_wait([&](const boost::system::error_code&) { periods_passed.set_value(); });
    periods_passed.get_future().wait();
    floor->stop();
    work.reset();
    const auto started = Clock::now();
    for (auto& thread : threads) {
        thread.join();
    }
    EXPECT_LT(Clock::now() - started, kBound) << "the stopped floor kept the threads running";
    EXPECT_TRUE(context.stopped());
}

}  // namespace
}  // namespace goldenpath::detail
