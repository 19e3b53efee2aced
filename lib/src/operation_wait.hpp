// Waiting for a client connection's pending operation with a deadline: the operation's handler
// sets `done` and cancels `wake`, so the wait ends at whichever comes first. Internal (Boost).
#pragma once

#include <memory>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "goldenpath/clock.hpp"

namespace goldenpath::detail {

// True when `state->done` before `deadline`. State has `bool done` and a steady_timer `wake`.
template <class State>
boost::asio::awaitable<bool> wait_until_done(std::shared_ptr<State> state,
                                             Clock::time_point deadline) {
    if (!state->done && Clock::now() < deadline) {
        state->wake.expires_at(deadline);
        boost::system::error_code woken;  // operation_aborted when the handler ran first
        co_await state->wake.async_wait(
            boost::asio::redirect_error(boost::asio::use_awaitable, woken));
    }
    co_return state->done;
}

}  // namespace goldenpath::detail
