#pragma once
// Text helpers of the HTML report (html_report.cpp, svg_chart.cpp).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace goldenpath::html {

// Safe in HTML text and quoted attributes: & < > " ' escaped, invalid UTF-8 replaced by U+FFFD,
// control characters other than tab and newline shown as \xNN. At most `max_bytes` of `text` are
// shown; a clipped text ends in "…".
std::string escape(std::string_view text, std::size_t max_bytes = 4096);

// A JSON value for people, escaped: strings as they are, numbers and the rest as JSON.
std::string escape_json(const nlohmann::json& value, std::size_t max_bytes = 4096);

// The member `key` of `object`, or null when `object` is no object or lacks it.
const nlohmann::json& member(const nlohmann::json& object, const char* key);

// A number of `object`, or `fallback` when absent or not a number.
double number(const nlohmann::json& object, const char* key, double fallback = 0);

// A non-negative integer (signed or unsigned in the JSON), or nullopt.
std::optional<std::size_t> count(const nlohmann::json& value);

// "0.42 ms", "12.3 ms", "1.24 s": milliseconds for people.
std::string duration(double ms);

}  // namespace goldenpath::html
