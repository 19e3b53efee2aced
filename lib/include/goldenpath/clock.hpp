#pragma once

#include <chrono>

namespace goldenpath {

using Clock = std::chrono::steady_clock;
using Milliseconds = std::chrono::milliseconds;

// Milliseconds between two instants as a double, for timelines and reports.
inline double elapsed_ms(Clock::time_point from, Clock::time_point to) noexcept {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

}  // namespace goldenpath
