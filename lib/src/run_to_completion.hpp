// Runs one coroutine to its end from a blocking call: the blocking faces (BeastClient,
// GoldenPathJourney::run) over the coroutines of the async core. Internal (Asio).
#pragma once

#include <exception>
#include <optional>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace goldenpath::detail {

// Runs `operation` on `context` from the calling thread until it completed, and returns its
// value or rethrows its exception; the operation's own deadlines bound the wait. Other work (a
// read left pending by a receive, a background close) stays queued on `context`.
template <typename T>
T run_to_completion(boost::asio::io_context& context, boost::asio::awaitable<T> operation) {
    std::optional<T> result;
    std::exception_ptr error;
    bool finished = false;
    boost::asio::co_spawn(context, std::move(operation), [&](std::exception_ptr thrown, T value) {
        finished = true;
        error = std::move(thrown);
        result.emplace(std::move(value));
    });
    context.restart();
    while (!finished && context.run_one() > 0) {
    }
    if (error) {
        std::rethrow_exception(error);
    }
    return std::move(result).value();
}

}  // namespace goldenpath::detail
