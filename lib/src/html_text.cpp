#include "html_text.hpp"

#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "printable.hpp"

namespace goldenpath::html {
namespace {}  // namespace

std::string escape(std::string_view text, std::size_t max_bytes) {
    const bool clipped = text.size() > max_bytes;
    if (clipped) {
        text = text.substr(0, max_bytes);
    }
    std::string out;
    out.reserve(text.size() + 16);
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            std::uint32_t code_point = 0;
            const std::size_t length = detail::utf8_sequence(text.substr(i), code_point);
            if (length == 0) {
                out += "\xEF\xBF\xBD";  // U+FFFD
                ++i;
                continue;
            }
            // C1 controls (U+0080-U+009F) are valid but invisible: shown like the C0 ones.
            if (c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
                out += fmt::format("\\u{:04x}", static_cast<unsigned char>(text[i + 1]));
            } else {
                out.append(text.substr(i, length));
            }
            i += length;
            continue;
        }
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            case '\t':
            case '\n':
                out += static_cast<char>(c);
                break;
            default:
                if (c < 0x20 || c == 0x7F) {
                    out += fmt::format("\\x{:02x}", c);
                } else {
                    out += static_cast<char>(c);
                }
        }
        ++i;
    }
    if (clipped) {
        out += "\xE2\x80\xA6";  // …
    }
    return out;
}

std::string escape_json(const nlohmann::json& value, std::size_t max_bytes) {
    if (value.is_string()) {
        return escape(value.get_ref<const std::string&>(), max_bytes);
    }
    if (value.is_null()) {
        return "&#8212;";  // an em dash: missing
    }
    // Replace, not throw: a hostile report may hold invalid UTF-8 in nested strings.
    return escape(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), max_bytes);
}

const nlohmann::json& member(const nlohmann::json& object, const char* key) {
    static const nlohmann::json missing;
    if (!object.is_object()) {
        return missing;
    }
    const auto found = object.find(key);
    return found == object.end() ? missing : *found;
}

double number(const nlohmann::json& object, const char* key, double fallback) {
    const auto& value = member(object, key);
    if (!value.is_number()) {
        return fallback;
    }
    const auto n = value.get<double>();
    return std::isfinite(n) ? n : fallback;
}

std::optional<std::size_t> count(const nlohmann::json& value) {
    if (value.is_number_unsigned()) {
        return value.get<std::size_t>();
    }
    if (value.is_number_integer() && value.get<long long>() >= 0) {
        return static_cast<std::size_t>(value.get<long long>());
    }
    return std::nullopt;
}

std::string duration(double ms) {
    if (!std::isfinite(ms)) {
        return "&#8212;";
    }
    if (std::fabs(ms) >= 1000) {
        return fmt::format("{:.2f} s", ms / 1000.0);
    }
    if (std::fabs(ms) >= 10) {
        return fmt::format("{:.1f} ms", ms);
    }
    return fmt::format("{:.2f} ms", ms);
}

}  // namespace goldenpath::html
