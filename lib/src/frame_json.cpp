#include "frame_json.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <string>
#include <utility>

#include "goldenpath/bounded_json.hpp"
#include "json_text_scan.hpp"

#if GOLDENPATH_HAVE_SIMDJSON
#include <simdjson.h>
#endif

namespace goldenpath::detail {

#if GOLDENPATH_HAVE_SIMDJSON
namespace {

// Whether a number outside strings starts "-0". Both parsers read "-0" as the integer 0, signed to
// nlohmann and indistinguishable from "0" in simdjson's DOM, so a frame that has both an integer 0
// and this goes to nlohmann. Only called on text simdjson has validated.
bool has_negative_zero_number(std::string_view text) {
    return any_byte_outside_strings(text, [text](std::size_t i) {
        return text[i] == '-' && i + 1 < text.size() && text[i + 1] == '0';
    });
}

// simdjson's DOM as the nlohmann::json nlohmann's parser would have made: a non-negative integer is
// number_unsigned, and a repeated key keeps its last value. `int_zero` is set on an integer 0 (it
// may have been written -0). The recursion is bounded by the parser's max_depth (at most
// kMaxJsonDepthLimit), as nlohmann's own copy is.
nlohmann::json to_nlohmann(simdjson::dom::element element, bool& int_zero) {
    using simdjson::dom::element_type;
    switch (element.type()) {
        case element_type::OBJECT: {
            nlohmann::json object(nlohmann::json::value_t::object);
            auto& members = object.get_ref<nlohmann::json::object_t&>();
            const simdjson::dom::object source = element.get_object().value_unsafe();
            for (const simdjson::dom::key_value_pair member : source) {
                nlohmann::json value = to_nlohmann(member.value, int_zero);
                // A key after the last one (writers that sort keys send them so) goes in at the
                // end after one compare, instead of a search from the root of the tree.
                if (members.empty() || std::string_view(members.rbegin()->first) < member.key) {
                    members.emplace_hint(members.end(), member.key, std::move(value));
                } else {
                    members.insert_or_assign(std::string(member.key), std::move(value));
                }
            }
            return object;
        }
        case element_type::ARRAY: {
            nlohmann::json array(nlohmann::json::value_t::array);
            auto& items = array.get_ref<nlohmann::json::array_t&>();
            const simdjson::dom::array source = element.get_array().value_unsafe();
            items.reserve(source.size());
            for (const simdjson::dom::element item : source) {
                items.push_back(to_nlohmann(item, int_zero));
            }
            return array;
        }
        case element_type::STRING:
            return std::string(element.get_string().value_unsafe());
        case element_type::INT64: {
            const std::int64_t value = element.get_int64().value_unsafe();
            int_zero = int_zero || value == 0;
            if (value >= 0) {
                return static_cast<std::uint64_t>(value);
            }
            return value;
        }
        case element_type::UINT64:
            return element.get_uint64().value_unsafe();
        case element_type::DOUBLE:
            return element.get_double().value_unsafe();
        case element_type::BOOL:
            return element.get_bool().value_unsafe();
        case element_type::NULL_VALUE:
            break;
    }
    return nullptr;
}

// Per thread, so that parsing a frame allocates nothing in the parser. A parser is first
// allocated for kInitialFrameBytes, grows to the largest frame it meets and keeps buffers of about
// 17 bytes a byte of it: 4.7 KB after golden-path frames (about 200 bytes), 72 KB after a 4 KiB
// frame. After a frame above kRetainedFrameBytes it is replaced, so a thread (a load run may have
// one per user) keeps at most about 72 KB.
constexpr std::size_t kRetainedFrameBytes = 4 * 1024;
constexpr std::size_t kInitialFrameBytes = 512;

// Ready for frames of `max_depth`, or nullptr. Its depth limit is the profile's: simdjson refuses
// nesting beyond it (an object at the deepest level too, one level earlier than
// parse_bounded_json, which then parses it), so every frame it takes is within max_json_depth.
simdjson::dom::parser* thread_parser(std::size_t max_depth) {
    // Capacity kFastFrameBytes: a larger frame is refused (CAPACITY) before any allocation.
    thread_local simdjson::dom::parser parser(kFastFrameBytes);
    if (parser.max_depth() != max_depth || parser.capacity() == 0) {
        if (parser.allocate(kInitialFrameBytes, max_depth) != simdjson::SUCCESS) {
            return nullptr;
        }
    }
    return &parser;
}

std::optional<nlohmann::json> parse_with(simdjson::dom::parser& parser, std::string_view text) {
    simdjson::dom::element root;
    // Copied into the parser's padded buffer, which it keeps between frames.
    if (parser.parse(text.data(), text.size()).get(root) != simdjson::SUCCESS) {
        return std::nullopt;
    }
    bool int_zero = false;
    nlohmann::json value = to_nlohmann(root, int_zero);
    if (int_zero && has_negative_zero_number(text)) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

std::optional<nlohmann::json> parse_frame_json_fast(std::string_view text, std::size_t max_depth) {
    if (text.size() > kFastFrameBytes || max_depth == 0 || max_depth > kMaxJsonDepthLimit) {
        return std::nullopt;
    }
    simdjson::dom::parser* parser = thread_parser(max_depth);
    if (parser == nullptr) {
        return std::nullopt;
    }
    std::optional<nlohmann::json> value = parse_with(*parser, text);
    if (text.size() > kRetainedFrameBytes) {
        *parser = simdjson::dom::parser(kFastFrameBytes);
    }
    return value;
}

bool fast_frame_parser_built() noexcept {
    return true;
}

#else

std::optional<nlohmann::json> parse_frame_json_fast(std::string_view, std::size_t) {
    return std::nullopt;
}

bool fast_frame_parser_built() noexcept {
    return false;
}

#endif

bool identical_json(const nlohmann::json& a, const nlohmann::json& b) {
    if (a.type() != b.type()) {
        return false;
    }
    switch (a.type()) {
        case nlohmann::json::value_t::object:
            return a.size() == b.size() &&
                   std::equal(a.items().begin(), a.items().end(), b.items().begin(),
                              [](const auto& x, const auto& y) {
                                  return x.key() == y.key() && identical_json(x.value(), y.value());
                              });
        case nlohmann::json::value_t::array:
            return a.size() == b.size() &&
                   std::equal(a.begin(), a.end(), b.begin(), identical_json);
        case nlohmann::json::value_t::number_float:
            return std::bit_cast<std::uint64_t>(a.get<double>()) ==
                   std::bit_cast<std::uint64_t>(b.get<double>());
        default:
            return a == b;
    }
}

nlohmann::json parse_frame_json(std::string_view text, std::size_t max_depth) {
    if (auto fast = parse_frame_json_fast(text, max_depth)) {
        return std::move(*fast);
    }
    return parse_bounded_json(text, max_depth);
}

}  // namespace goldenpath::detail
