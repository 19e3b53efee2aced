#pragma once
// GOLDENPATH_TIMEOUT_SCALE: one factor for every default deadline, for slow or busy machines.

#include <string_view>

#include "goldenpath/clock.hpp"

namespace goldenpath {

struct Timeouts;

inline constexpr std::string_view kTimeoutScaleVariable = "GOLDENPATH_TIMEOUT_SCALE";
inline constexpr double kMaxTimeoutScale = 100.0;

// The factor a value of GOLDENPATH_TIMEOUT_SCALE stands for: a positive decimal number
// ("3", "1.5", "0.5") up to kMaxTimeoutScale. Anything else (empty, 0, negative, "inf", "3x",
// "1e3") throws a ConfigError naming the variable and the value.
double parse_timeout_scale(std::string_view text);

// The factor in the process environment now: 1 when GOLDENPATH_TIMEOUT_SCALE is unset; throws a
// ConfigError when it is set to something parse_timeout_scale rejects.
double timeout_scale();

// A default deadline multiplied by timeout_scale(), rounded to the millisecond; a positive
// deadline stays at least 1 ms. Deadlines a user gives explicitly are not passed through here.
Milliseconds scaled(Milliseconds default_deadline);

// Every deadline of `timeouts` multiplied by timeout_scale().
Timeouts scaled(const Timeouts& timeouts);

}  // namespace goldenpath
