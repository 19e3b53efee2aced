#include "progress_line.hpp"

#include <cstdio>

#include "goldenpath/clock.hpp"

namespace goldenpath::cli {

void ProgressLine::tick() {
    const auto started = Clock::now();
    auto next = started + kDelay;
    bool shown = false;
    std::unique_lock lock(mutex_);
    while (!wake_.wait_until(lock, next, [this] { return stopping_; })) {
        std::fprintf(stderr, "\rprogress: %zu/%zu journeys, %zu passed, %zu failed, %.1f s ",
                     completed_.load(), planned_.load(), passed_.load(), failed_.load(),
                     elapsed_ms(started, Clock::now()) / 1000.0);
        std::fflush(stderr);
        shown = true;
        next += kInterval;
    }
    if (shown) {
        std::fprintf(stderr, "\rprogress: %zu/%zu journeys, %zu passed, %zu failed, done\n",
                     completed_.load(), planned_.load(), passed_.load(), failed_.load());
    }
}

}  // namespace goldenpath::cli
