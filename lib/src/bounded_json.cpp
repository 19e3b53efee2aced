#include "goldenpath/bounded_json.hpp"

#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "goldenpath/config_error.hpp"
#include "json_text_scan.hpp"

// Why a bound at all: 100 000 nested `[` in a frame's tool_name overflowed the stack when the
// timeline summary wrote the field out with nlohmann's recursive dump() (a copy recurses too).

namespace goldenpath {

namespace {

// Keys longer than this are cut in the pointer of a nesting error: it names a place, it does not
// need to quote a megabyte.
constexpr std::size_t kPointerKeyLength = 128;

// One open container on the way down to the current byte.
struct OpenContainer {
    bool object = false;
    std::size_t index = 0;  // arrays: the element being read
    std::string key;        // objects: the raw (still escaped) key of the member being read
    bool expecting_key = false;
};

std::string pointer_token(std::string_view raw_key) {
    std::string key(raw_key);
    if (raw_key.find('\\') != std::string_view::npos) {
        const auto decoded = nlohmann::json::parse("\"" + key + "\"", nullptr, false);
        if (decoded.is_string()) {
            key = decoded.get<std::string>();
        }
    }
    std::string token;
    token.reserve(key.size());
    for (const char c : key) {
        if (c == '~') {
            token += "~0";
        } else if (c == '/') {
            token += "~1";
        } else {
            token += c;
        }
    }
    return token;
}

std::string pointer_of(const std::vector<OpenContainer>& open) {
    std::string pointer;
    for (const OpenContainer& container : open) {
        pointer += '/';
        pointer +=
            container.object ? pointer_token(container.key) : std::to_string(container.index);
    }
    return pointer;
}

std::string describe(const JsonNestingExcess& excess) {
    return fmt::format("JSON nests deeper than {} levels at byte {} ({})", excess.max_depth,
                       excess.byte, excess.pointer.empty() ? "/" : excess.pointer);
}

// Whether find_nesting_excess would find an excess: the same scan, counting depth only.
bool nests_deeper(std::string_view text, std::size_t max_depth) {
    std::size_t depth = 0;
    return detail::any_byte_outside_strings(text, [text, max_depth, &depth](std::size_t i) {
        const char c = text[i];
        if (c == '[' || c == '{') {
            return ++depth > max_depth;
        }
        if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
        return false;
    });
}

}  // namespace

std::optional<JsonNestingExcess> find_nesting_excess(std::string_view text, std::size_t max_depth) {
    std::vector<OpenContainer> open;
    bool in_string = false;
    bool in_key = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '"') {
                in_string = false;
                in_key = false;
            } else {
                const bool escape = c == '\\' && i + 1 < text.size();
                if (in_key && open.back().key.size() < kPointerKeyLength) {
                    open.back().key += c;
                    if (escape) {
                        open.back().key += text[i + 1];
                    }
                }
                i += escape ? 1 : 0;
            }
            continue;
        }
        switch (c) {
            case '"':
                in_string = true;
                in_key = !open.empty() && open.back().object && open.back().expecting_key;
                if (in_key) {
                    open.back().key.clear();
                    open.back().expecting_key = false;
                }
                break;
            case '[':
            case '{':
                if (open.size() >= max_depth) {
                    return JsonNestingExcess{max_depth, i, pointer_of(open)};
                }
                open.push_back(OpenContainer{c == '{', 0, {}, c == '{'});
                break;
            case ']':
            case '}':
                if (!open.empty()) {
                    open.pop_back();
                }
                break;
            case ',':
                if (!open.empty()) {
                    if (open.back().object) {
                        open.back().expecting_key = true;
                    } else {
                        ++open.back().index;
                    }
                }
                break;
            default:
                break;
        }
    }
    return std::nullopt;
}

JsonTooDeep::JsonTooDeep(JsonNestingExcess excess)
    : std::runtime_error(describe(excess)), excess_(std::move(excess)) {}

nlohmann::json parse_bounded_json(std::string_view text, std::size_t max_depth) {
    // find_nesting_excess keeps every key for the pointer of an error it rarely finds: a depth
    // count alone answers first, for every frame (issue 17, item 3).
    if (nests_deeper(text, max_depth)) {
        if (auto excess = find_nesting_excess(text, max_depth)) {
            throw JsonTooDeep(std::move(*excess));
        }
    }
    return nlohmann::json::parse(text.begin(), text.end());
}

nlohmann::json parse_json_config(std::string_view text, const std::string& source,
                                 const std::string& error_id, std::size_t max_depth) {
    try {
        return parse_bounded_json(text, max_depth);
    } catch (const JsonTooDeep& error) {
        const auto& excess = error.excess();
        throw ConfigError(
            error_id, fmt::format("{}: {}", source, excess.pointer.empty() ? "/" : excess.pointer),
            fmt::format("must nest at most {} levels deep", max_depth),
            fmt::format("deeper (at byte {})", excess.byte));
    } catch (const nlohmann::json::parse_error& error) {
        throw ConfigError(error_id, source, "must hold valid JSON", error.what());
    } catch (const nlohmann::json::exception&) {
        // out_of_range.406: a number too large for a double; its text may be megabytes long.
        throw ConfigError(error_id, source, "must hold valid JSON",
                          "a number too large for a double");
    }
}

nlohmann::json read_json_file(const std::filesystem::path& path, const std::string& error_id,
                              std::size_t max_depth) {
    const std::string source = path.string();
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
        throw ConfigError(error_id, source, "must be a readable file", "a directory");
    }
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int saved_errno = errno;
        throw ConfigError(error_id, source, "must be a readable file",
                          saved_errno != 0 ? std::generic_category().message(saved_errno)
                                           : std::string("not readable"));
    }
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) {
        throw ConfigError(error_id, source, "must be a readable file", "a read error");
    }
    return parse_json_config(content.view(), source, error_id, max_depth);
}

}  // namespace goldenpath
