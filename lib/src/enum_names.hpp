// Enumerators and their names in one table per enum, read both ways, instead of a switch to write
// a name and a loop (or a second switch) to read it back.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace goldenpath::detail {

template <typename Enum, std::size_t Count>
using EnumNames = std::array<std::pair<Enum, std::string_view>, Count>;

// The name of `value` in `names`, or `fallback` for a value the table lacks (a cast integer).
template <typename Enum, std::size_t Count>
constexpr std::string_view name_of(const EnumNames<Enum, Count>& names, Enum value,
                                   std::string_view fallback = "unknown") noexcept {
    for (const auto& [candidate, name] : names) {
        if (candidate == value) {
            return name;
        }
    }
    return fallback;
}

// The enumerator called `name` (exactly), or nullopt.
template <typename Enum, std::size_t Count>
constexpr std::optional<Enum> enum_named(const EnumNames<Enum, Count>& names,
                                         std::string_view name) noexcept {
    for (const auto& [value, candidate] : names) {
        if (candidate == name) {
            return value;
        }
    }
    return std::nullopt;
}

}  // namespace goldenpath::detail
