// A timer kept armed a little ahead on an io_context while a journey runs there. Internal (Asio).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>

#include <boost/asio/io_context.hpp>

namespace goldenpath::detail {

// Every read and write of a connection arms a deadline timer and cancels it when the operation
// ends. Asio's reactor reprograms its timerfd whenever a timer becomes the earliest, which on a
// connection running alone is every time: 11 of the 56 system calls of a sequential journey. While
// a floor is armed ahead of them, those deadlines are never the earliest, and the timerfd is only
// set when the floor is (once per period). Deadlines nearer than the floor reprogram it as before:
// a floor changes no deadline, only how often the kernel hears of them.
//
// The armed floor is outstanding work: stop it before running the context out of work. Safe to
// use while other threads run the context.
class TimerFloor {
  public:
    static constexpr std::chrono::milliseconds kPeriod{100};
    static constexpr std::size_t kUnbounded = static_cast<std::size_t>(-1);

    // Arms the floor at most `max_periods` times. A bounded floor ends by itself, so a context
    // whose other work all vanished still runs out of work after that many periods.
    explicit TimerFloor(boost::asio::io_context& context, std::size_t max_periods = kUnbounded);
    ~TimerFloor();
    TimerFloor(const TimerFloor&) = delete;
    TimerFloor& operator=(const TimerFloor&) = delete;

    // Posts the floor's cancel: the context still has to run it (or drop it with the context).
    void stop() noexcept;

  private:
    struct State;
    static void arm(const std::shared_ptr<State>& state);
    std::shared_ptr<State> state_;
};

}  // namespace goldenpath::detail
