#pragma once
// Every JSON text goldenpath reads (frames, profiles, scripts, reports, golden traces) is parsed
// here, with its nesting depth bounded before nlohmann sees it. nlohmann parses and destroys
// without recursion, but copying a value and dump() recurse once per level: 100 000 nested `[`
// in one frame overflow the stack. The depth check itself is an iterative scan.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace goldenpath {

// The default of ProtocolProfile::max_json_depth and the limit for files read without a profile.
inline constexpr std::size_t kDefaultMaxJsonDepth = 64;
// The largest max_json_depth a profile may set: a depth the recursive copy and dump of nlohmann
// still handle on a small thread stack.
inline constexpr std::size_t kMaxJsonDepthLimit = 1000;

// Where a JSON text first nests deeper than allowed.
struct JsonNestingExcess {
    std::size_t max_depth = 0;
    // Offset of the `[` or `{` that opens level max_depth + 1.
    std::size_t byte = 0;
    // JSON pointer of the value that bracket opens, e.g. "/events/0/data/x/0".
    std::string pointer;
};

// Scans `text` once, iteratively, honouring strings and escapes; nullopt when no value nests
// deeper than `max_depth` containers. Says nothing about whether the text is valid JSON.
std::optional<JsonNestingExcess> find_nesting_excess(std::string_view text, std::size_t max_depth);

class JsonTooDeep : public std::runtime_error {
  public:
    explicit JsonTooDeep(JsonNestingExcess excess);
    const JsonNestingExcess& excess() const noexcept { return excess_; }

  private:
    JsonNestingExcess excess_;
};

// Parses `text` after the depth scan. Throws JsonTooDeep, or nlohmann::json::parse_error.
nlohmann::json parse_bounded_json(std::string_view text, std::size_t max_depth);

// Reads and parses a JSON file. A missing or unreadable file, invalid JSON or too deep nesting is
// a ConfigError with `error_id`, the file in its field and, for nesting, the JSON pointer:
//   [goldenpath.script] (s.json: /events/0/x/0/0) must nest at most 64 deep, but is deeper ...
nlohmann::json read_json_file(const std::filesystem::path& path, const std::string& error_id,
                              std::size_t max_depth = kDefaultMaxJsonDepth);

// The same for JSON text already read from `source` (a file name, for messages).
nlohmann::json parse_json_config(std::string_view text, const std::string& source,
                                 const std::string& error_id,
                                 std::size_t max_depth = kDefaultMaxJsonDepth);

}  // namespace goldenpath
