// Sequential journeys timed one by one, bounded in count and in time: the loop the bench's POSIX
// clients (the floor and the ceiling) share. Internal to the bench.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "goldenpath/clock.hpp"

namespace goldenpath::bench {

struct TimedJourneys {
    std::vector<double> samples_ms;  // one per journey that passed
    std::size_t failures = 0;
    std::string first_failure;
    double seconds = 0;
};

// Calls `journey()` (returns an empty string when the journey passed, else what went wrong) until
// it has been called `journeys` times or `max_seconds` have passed.
template <typename Journey>
TimedJourneys run_timed_journeys(std::size_t journeys, double max_seconds, Journey journey) {
    TimedJourneys run;
    run.samples_ms.reserve(journeys);
    const auto began = Clock::now();
    const auto seconds_since_start = [&began] {
        return std::chrono::duration<double>(Clock::now() - began).count();
    };
    for (std::size_t i = 0; i < journeys && seconds_since_start() < max_seconds; ++i) {
        const auto journey_began = Clock::now();
        std::string failure = journey();
        if (failure.empty()) {
            run.samples_ms.push_back(elapsed_ms(journey_began, Clock::now()));
        } else if (run.failures++ == 0) {
            run.first_failure = std::move(failure);
        }
    }
    run.seconds = seconds_since_start();
    return run;
}

}  // namespace goldenpath::bench
