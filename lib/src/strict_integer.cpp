#include "strict_integer.hpp"

#include <charconv>
#include <system_error>

#include "text_helpers.hpp"

namespace goldenpath::detail {

std::optional<long long> parse_strict_integer(std::string_view text) noexcept {
    long long value = 0;
    const char* const end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc() || stop != end) {
        return std::nullopt;
    }
    return value;
}

std::optional<long long> parse_digits(std::string_view text) noexcept {
    return is_digits(text) ? parse_strict_integer(text) : std::nullopt;
}

}  // namespace goldenpath::detail
