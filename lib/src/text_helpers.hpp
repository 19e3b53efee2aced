// Small text helpers the configuration readers share: ASCII-only on purpose (names, schemes,
// host names and variable values are ASCII; locale-dependent std::tolower is not wanted here).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace goldenpath::detail {

// ' ', \t, \n, \r, \v, \f.
bool is_space(char c) noexcept;
// Bytes up to and including ' ', and DEL: what no token or header value may hold.
bool is_space_or_control(char c) noexcept;
// `text` without leading and trailing is_space characters.
std::string_view trim(std::string_view text) noexcept;
// `text` with A-Z lower-cased; other bytes unchanged.
std::string lower_ascii(std::string_view text);
// True when `a` and `b` are equal ignoring the case of A-Z.
bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept;
// The parts between `separator`s, empty parts included ("a,,b" is {"a", "", "b"}).
std::vector<std::string_view> split(std::string_view text, char separator);
// The parts with `separator` between them.
std::string join(const std::vector<std::string>& parts, std::string_view separator);
// The value of a hexadecimal digit (0-9, a-f, A-F), or -1 for any other byte.
int hex_digit_value(char c) noexcept;
// One or more of 0-9, nothing else.
bool is_digits(std::string_view text) noexcept;
// `text` as an error's "but is ..." part: "\"\"" when empty, which would otherwise say nothing.
std::string shown(std::string_view text);
// "1 event", "3 events": the count and the noun, with an s unless the count is one.
std::string plural(std::size_t count, std::string_view noun);

}  // namespace goldenpath::detail
