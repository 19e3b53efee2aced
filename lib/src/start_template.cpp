#include "start_template.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>

#include "goldenpath/protocol_profile.hpp"
#include "json_reader.hpp"

namespace goldenpath {

namespace {

constexpr std::array<std::string_view, 4> kPlaceholders = {"text", "thread_id", "run_id",
                                                           "message_id"};
constexpr std::string_view kRequirement =
    "must use only the placeholders {text}, {thread_id}, {run_id} and {message_id}";

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Calls `on_placeholder(name)` for each `{name}` in `text` (name: letters, digits, '_') and
// `on_text(part)` for the text between them; other braces are text.
template <typename OnText, typename OnPlaceholder>
void scan(std::string_view text, OnText on_text, OnPlaceholder on_placeholder) {
    std::size_t done = 0;
    for (std::size_t open = text.find('{'); open != std::string_view::npos;
         open = text.find('{', open + 1)) {
        std::size_t end = open + 1;
        while (end < text.size() && is_name_char(text[end])) {
            ++end;
        }
        if (end == open + 1 || end == text.size() || text[end] != '}') {
            continue;
        }
        on_text(text.substr(done, open - done));
        on_placeholder(text.substr(open + 1, end - open - 1));
        done = end + 1;
        open = end;
    }
    on_text(text.substr(done));
}

void check_strings(const nlohmann::json& value, const std::string& pointer) {
    static const detail::JsonReader reader{"goldenpath.profile"};
    if (value.is_object()) {
        for (const auto& item : value.items()) {
            check_strings(item.value(), detail::child_pointer(pointer, item.key()));
        }
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            check_strings(value[i], detail::child_pointer(pointer, i));
        }
    } else if (value.is_string()) {
        scan(
            value.get_ref<const std::string&>(), [](std::string_view) {},
            [&](std::string_view name) {
                if (std::find(kPlaceholders.begin(), kPlaceholders.end(), name) ==
                    kPlaceholders.end()) {
                    reader.fail(pointer, kRequirement, value);
                }
            });
    }
}

void fill(nlohmann::json& value, const detail::StartValues& values) {
    if (value.is_object() || value.is_array()) {
        for (nlohmann::json& child : value) {
            fill(child, values);
        }
        return;
    }
    if (!value.is_string()) {
        return;
    }
    const std::string& text = value.get_ref<const std::string&>();
    if (text.find('{') == std::string::npos) {
        return;
    }
    std::string filled;
    scan(
        text, [&](std::string_view part) { filled.append(part); },
        [&](std::string_view name) {
            filled.append(name == "text"        ? values.text
                          : name == "thread_id" ? values.thread_id
                          : name == "run_id"    ? values.run_id
                                                : values.message_id);
        });
    value = std::move(filled);
}

}  // namespace

void check_start_template(const nlohmann::json& start_template) {
    static const detail::JsonReader reader{"goldenpath.profile"};
    if (start_template.is_null()) {
        return;
    }
    if (!start_template.is_object() || start_template.empty()) {
        reader.fail("/start_template", "must be a non-empty JSON object", start_template);
    }
    check_strings(start_template, "/start_template");
}

namespace detail {

nlohmann::json filled_start_template(const nlohmann::json& start_template,
                                     const StartValues& values) {
    check_start_template(start_template);
    nlohmann::json message = start_template;
    fill(message, values);
    return message;
}

namespace {

// The pointer of the first string value of `value` that is exactly `placeholder`.
std::optional<nlohmann::json::json_pointer> placeholder_pointer(
    const nlohmann::json& value, std::string_view placeholder,
    const nlohmann::json::json_pointer& at) {
    if (value.is_string()) {
        return value.get_ref<const std::string&>() == placeholder
                   ? std::optional<nlohmann::json::json_pointer>(at)
                   : std::nullopt;
    }
    if (value.is_object()) {
        for (const auto& item : value.items()) {
            if (auto found = placeholder_pointer(item.value(), placeholder, at / item.key())) {
                return found;
            }
        }
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (auto found = placeholder_pointer(value[i], placeholder, at / i)) {
                return found;
            }
        }
    }
    return std::nullopt;
}

bool has_placeholder(const nlohmann::json& value) {
    if (value.is_string()) {
        bool found = false;
        scan(
            value.get_ref<const std::string&>(), [](std::string_view) {},
            [&found](std::string_view) { found = true; });
        return found;
    }
    if (value.is_object() || value.is_array()) {
        return std::any_of(value.begin(), value.end(),
                           [](const nlohmann::json& child) { return has_placeholder(child); });
    }
    return false;
}

std::string string_at(const nlohmann::json& message, std::string_view placeholder,
                      const nlohmann::json& start_template) {
    const auto pointer =
        placeholder_pointer(start_template, placeholder, nlohmann::json::json_pointer());
    if (!pointer || !message.contains(*pointer)) {
        return {};
    }
    const nlohmann::json& value = message.at(*pointer);
    return value.is_string() ? value.get<std::string>() : std::string();
}

}  // namespace

std::optional<StartIds> template_start_ids(const nlohmann::json& start_template,
                                           const nlohmann::json& message) {
    if (!start_template.is_object() || !message.is_object()) {
        return std::nullopt;
    }
    for (const auto& item : start_template.items()) {
        if (has_placeholder(item.value()) && !message.contains(item.key())) {
            return std::nullopt;
        }
    }
    return StartIds{string_at(message, "{thread_id}", start_template),
                    string_at(message, "{run_id}", start_template)};
}

}  // namespace detail

}  // namespace goldenpath
