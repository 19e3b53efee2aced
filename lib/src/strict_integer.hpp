// Integers read from configuration text: the whole text or nothing, so "80x", " 80", "+80" and
// "1e3" are errors rather than 80 or 1.
#pragma once

#include <optional>
#include <string_view>

namespace goldenpath::detail {

// Decimal digits with at most a leading '-' (no '+', no spaces), in range of long long.
std::optional<long long> parse_strict_integer(std::string_view text) noexcept;
// Decimal digits only (no sign), in range of long long.
std::optional<long long> parse_digits(std::string_view text) noexcept;

}  // namespace goldenpath::detail
