#include "goldenpath/secret.hpp"

#include <algorithm>
#include <cstddef>
#include <ostream>

#include "goldenpath/redactor.hpp"

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
    Redactor redactor;
    redactor.add(secret);
    return redactor.redact(std::move(text));
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

std::vector<std::string> default_secret_query_params() {
    return {"token", "access_token", "api_key", "key", "password", "secret", "jwt"};
}

std::string redact_url_secrets(std::string url_text, const std::vector<std::string>& params) {
    for (const std::string& param : params) {
        url_text = redact_url_token(std::move(url_text), param);
    }
    return redact_url_userinfo(std::move(url_text));
}

std::string redact_url_userinfo(std::string url_text) {
    const std::size_t separator = url_text.find("://");
    const std::size_t authority = separator == std::string::npos ? 0 : separator + 3;
    const std::size_t authority_end =
        std::min(url_text.find_first_of("/?#", authority), url_text.size());
    std::size_t at = url_text.substr(0, authority_end).rfind('@');
    if (at == std::string::npos || at < authority) {
        // A password may hold '/', '?' or '#': "user:pa/ss@host" still has user information.
        // Better to hide a host by mistake than to show a password.
        at = url_text.rfind('@');
        const std::size_t colon = url_text.find(':', authority);
        if (at == std::string::npos || at < authority || colon == std::string::npos || colon > at) {
            return url_text;
        }
    }
    url_text.replace(authority, at - authority, Secret::redacted());
    return url_text;
}

}  // namespace goldenpath
