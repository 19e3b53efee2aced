// The one reader of JSON configuration (endpoint configs, protocol profiles, load reports): typed
// getters that throw ConfigError naming the JSON pointer, and one way to quote the offending value.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "goldenpath/config_error.hpp"

namespace goldenpath::detail {

// `value` as compact JSON text with invalid UTF-8 replaced by U+FFFD: unlike a plain dump(), never
// throws, whatever bytes a server or a file put into a string.
std::string json_text(const nlohmann::json& value);

// A JSON value as an error quotes it ("but is ..."): compact, invalid UTF-8 replaced (never
// throws, unlike dump()), cut to at most kMaxQuotedJsonBytes so a large document cannot flood a
// message.
constexpr std::size_t kMaxQuotedJsonBytes = 120;
std::string quoted_json(const nlohmann::json& value);

// The JSON pointer token of an object key (RFC 6901: '~' as "~0", '/' as "~1").
std::string pointer_token(std::string_view key);
// `pointer` + "/" + the token of `key`, or of `index`.
std::string child_pointer(std::string_view pointer, std::string_view key);
std::string child_pointer(std::string_view pointer, std::size_t index);

// Typed reads of one JSON value; each throws ConfigError(error_id, pointer, requirement,
// quoted_json(value)) when the value does not fit.
class JsonReader {
  public:
    explicit JsonReader(std::string error_id) : error_id_(std::move(error_id)) {}

    const std::string& error_id() const noexcept { return error_id_; }

    ConfigError error(std::string_view pointer, std::string_view requirement,
                      const nlohmann::json& value) const;
    [[noreturn]] void fail(std::string_view pointer, std::string_view requirement,
                           const nlohmann::json& value) const;
    // For values that must not be quoted as they are (secrets, already shown text).
    [[noreturn]] void fail_showing(std::string_view pointer, std::string_view requirement,
                                   std::string actual) const;

    void require_object(const nlohmann::json& value, std::string_view pointer,
                        std::string_view requirement = "must be an object") const;
    const std::string& string(const nlohmann::json& value, std::string_view pointer,
                              std::string_view requirement = "must be a string") const;
    bool boolean(const nlohmann::json& value, std::string_view pointer,
                 std::string_view requirement = "must be true or false") const;
    // An integer min..max: `requirement` explains a value below min or of another type; a value
    // above max gets "must be at most <max>".
    long long integer(const nlohmann::json& value, std::string_view pointer, long long min,
                      long long max, std::string_view requirement) const;
    // A number (integer or not) min..max.
    double number(const nlohmann::json& value, std::string_view pointer, double min, double max,
                  std::string_view requirement) const;

  private:
    std::string error_id_;
};

// "a, b, c": the keys of `rows` in order, for an unknown-key message.
template <typename Rows>
std::string member_keys(const Rows& rows) {
    std::string keys;
    for (const auto& row : rows) {
        keys += keys.empty() ? "" : ", ";
        keys += row.key;
    }
    return keys;
}

// ConfigError naming the first member of `object` that has no row in `rows` (a row has `key`), with
// `unknown_requirement` (e.g. "must be a known key (...)") and the quoted key.
template <typename Rows>
void reject_unknown_members(const JsonReader& reader, const nlohmann::json& object,
                            std::string_view pointer, const Rows& rows,
                            std::string_view unknown_requirement) {
    for (const auto& item : object.items()) {
        const bool known = std::any_of(rows.begin(), rows.end(),
                                       [&item](const auto& row) { return row.key == item.key(); });
        if (!known) {
            reader.fail(child_pointer(pointer, item.key()), unknown_requirement,
                        nlohmann::json(item.key()));
        }
    }
}

// Table-driven reading of an object: it must be an object without unknown members (see
// reject_unknown_members); then each row whose key is present reads it with
// `row.read(reader, value, pointer, target)`, in the order of `rows`, so that a row may rely on
// an earlier one.
template <typename Rows, typename Target>
void read_members(const JsonReader& reader, const nlohmann::json& object, std::string_view pointer,
                  const Rows& rows, std::string_view unknown_requirement, Target& target) {
    reader.require_object(object, pointer);
    reject_unknown_members(reader, object, pointer, rows, unknown_requirement);
    for (const auto& row : rows) {
        const auto found = object.find(row.key);
        if (found != object.end()) {
            row.read(reader, *found, child_pointer(pointer, row.key), target);
        }
    }
}

}  // namespace goldenpath::detail
