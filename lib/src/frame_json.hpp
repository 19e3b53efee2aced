#pragma once
// Frames are the one JSON goldenpath parses at rate: every event of every journey. When the build
// found simdjson (GOLDENPATH_WITH_SIMDJSON), it parses the frames it can, in about half the time
// of nlohmann::json (docs/performance.md), and builds the same nlohmann::json. Every frame it
// declines goes to parse_bounded_json, so the value, and every error with its wording, are those of
// parse_bounded_json whichever parser ran.

#include <cstddef>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace goldenpath::detail {

// Larger frames go to nlohmann: a parser kept per thread keeps a buffer the size of the largest
// frame it parsed.
inline constexpr std::size_t kFastFrameBytes = 64 * 1024;

// parse_bounded_json(text, max_depth), value and exceptions alike.
nlohmann::json parse_frame_json(std::string_view text, std::size_t max_depth);

// The fast parser alone: nullopt where it declines. It declines invalid JSON, nesting deeper than
// max_depth (and an object at that depth), a frame with an integer 0 and a number written "-0..."
// (simdjson reads -0 as an integer it cannot tell from 0), frames above kFastFrameBytes, and
// everything in a build without simdjson.
std::optional<nlohmann::json> parse_frame_json_fast(std::string_view text, std::size_t max_depth);

// Whether this build parses frames with simdjson at all.
bool fast_frame_parser_built() noexcept;

// What the differential tests and fuzzer hold the two parsers to: the same type at every level
// (number_unsigned is not number_integer), the same float bits (-0.0 is not 0.0), the same members
// and items. Recursive: for values within kMaxJsonDepthLimit.
bool identical_json(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace goldenpath::detail
