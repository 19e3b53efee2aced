#include "timer_floor.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/system/error_code.hpp>

namespace goldenpath::detail {

// The timer and its counts are touched only on their strand: a load run's loop has several threads.
struct TimerFloor::State {
    State(boost::asio::io_context& context, std::size_t max_periods)
        : timer(boost::asio::make_strand(context)), periods_left(max_periods) {}
    boost::asio::steady_timer timer;
    std::size_t periods_left;  // 0 once stopped
};

TimerFloor::TimerFloor(boost::asio::io_context& context, std::size_t max_periods)
    : state_(std::make_shared<State>(context, max_periods)) {
    boost::asio::post(state_->timer.get_executor(), [state = state_] { arm(state); });
}

TimerFloor::~TimerFloor() {
    stop();
}

void TimerFloor::stop() noexcept {
    if (!state_) {
        return;
    }
    try {
        boost::asio::post(state_->timer.get_executor(), [state = state_] {
            state->periods_left = 0;
            state->timer.cancel();
        });
    } catch (...) {  // out of memory: the floor then ends when its context is dropped
    }
    state_.reset();
}

void TimerFloor::arm(const std::shared_ptr<State>& state) {
    if (state->periods_left == 0) {
        return;
    }
    if (state->periods_left != kUnbounded) {
        --state->periods_left;
    }
    state->timer.expires_after(kPeriod);
    state->timer.async_wait([state](const boost::system::error_code& ec) {
        if (!ec) {
            arm(state);
        }
    });
}

}  // namespace goldenpath::detail
