#include "goldenpath/secret.hpp"

#include <cstddef>
#include <ostream>

namespace goldenpath {

namespace {

char lower_ascii(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower_ascii(a[i]) != lower_ascii(b[i])) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string to_string(const Secret&) {
    return std::string(Secret::redacted());
}

std::ostream& operator<<(std::ostream& out, const Secret&) {
    return out << Secret::redacted();
}

std::string redact(std::string text, std::string_view secret) {
    if (secret.empty()) {
        return text;
    }
    const std::string_view mask = Secret::redacted();
    std::size_t position = text.find(secret);
    while (position != std::string::npos) {
        text.replace(position, secret.size(), mask);
        position = text.find(secret, position + mask.size());
    }
    return text;
}

std::string redact_url_token(std::string url_text, std::string_view param) {
    if (param.empty()) {
        return url_text;
    }
    const std::string_view mask = Secret::redacted();
    // A parameter starts the text (a bare query) or follows '?' or '&'.
    std::size_t start = 0;
    while (start < url_text.size()) {
        const bool at_parameter =
            start == 0 || url_text[start - 1] == '?' || url_text[start - 1] == '&';
        const std::size_t value_start = start + param.size() + 1;
        if (at_parameter && value_start <= url_text.size() && url_text[value_start - 1] == '=' &&
            equals_ignoring_case(std::string_view(url_text).substr(start, param.size()), param)) {
            std::size_t value_end = url_text.find_first_of("&#", value_start);
            if (value_end == std::string::npos) {
                value_end = url_text.size();
            }
            url_text.replace(value_start, value_end - value_start, mask);
            start = value_start + mask.size();
            continue;
        }
        const std::size_t next = url_text.find_first_of("?&", start);
        if (next == std::string::npos) {
            break;
        }
        start = next + 1;
    }
    return url_text;
}

}  // namespace goldenpath
