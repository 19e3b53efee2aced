#include "goldenpath/url.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <ostream>
#include <string>

#include "config_fields.hpp"
#include "goldenpath/config_error.hpp"
#include "goldenpath/secret.hpp"
#include "strict_integer.hpp"
#include "text_helpers.hpp"

// The ws/wss/http/https grammar below is written by hand on purpose, not taken from Boost.URL: this
// file is part of the socket-free model (no Boost, see lib/CMakeLists.txt and the fuzzers), and
// every rejection names the part at fault in its own ConfigError wording, which tests pin.
namespace goldenpath {

namespace {

constexpr std::string_view url_id = "goldenpath.url";
constexpr std::string_view build_id = "goldenpath.config";
constexpr std::string_view url_field = "/url";
constexpr std::string_view port_requirement = "must have a port of 1-65535";

constexpr std::uint16_t default_port(std::string_view scheme) noexcept {
    return scheme == "wss" || scheme == "https" ? std::uint16_t{443} : std::uint16_t{80};
}

using detail::equals_ignoring_case;
using detail::shown;
using detail::shown_url;

[[noreturn]] void fail_url(std::string_view requirement, std::string actual) {
    throw ConfigError(std::string(url_id), std::string(url_field), std::string(requirement),
                      std::move(actual));
}

bool is_space_or_control(char c) noexcept {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f;
}

bool is_alnum(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_hex(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Registered names: letters, digits and - . _ ~ (RFC 3986 unreserved), plus % escapes.
bool is_valid_name(std::string_view host) noexcept {
    if (host.empty()) {
        return false;
    }
    for (const char c : host) {
        if (!is_alnum(c) && c != '-' && c != '.' && c != '_' && c != '~' && c != '%') {
            return false;
        }
    }
    return true;
}

// IPv6 literal without brackets: hex digits, ':' and '.', at least one ':', optional %zone.
bool is_valid_ipv6(std::string_view host) noexcept {
    const std::size_t zone = host.find('%');
    const std::string_view address = host.substr(0, zone);
    if (address.find(':') == std::string_view::npos) {
        return false;
    }
    for (const char c : address) {
        if (!is_hex(c) && c != ':' && c != '.') {
            return false;
        }
    }
    return zone == std::string_view::npos || zone + 1 < host.size();
}

bool is_valid_host(std::string_view host) noexcept {
    return host.find(':') != std::string_view::npos ? is_valid_ipv6(host) : is_valid_name(host);
}

// Lower-case "ws", "wss", "http" or "https" accepted in any case (schemes are case-insensitive);
// empty otherwise.
std::string normalized_scheme(std::string_view scheme) {
    std::string lower = detail::lower_ascii(scheme);
    return (lower == "ws" || lower == "wss" || lower == "http" || lower == "https") ? lower
                                                                                    : std::string();
}

// Strict: decimal digits only, the whole text, 1..65535.
bool parse_port(std::string_view text, std::uint16_t& port) noexcept {
    const std::optional<long long> value = detail::parse_digits(text);
    if (!value || *value < 1 || *value > 65535) {
        return false;
    }
    port = static_cast<std::uint16_t>(*value);
    return true;
}

// Splits "[v6]:port", "host:port" or "host" and validates both parts.
void parse_authority(std::string_view authority, std::string_view text, Url& url) {
    const std::size_t at = authority.rfind('@');
    if (at != std::string_view::npos) {
        // The user information may hold a password: it is never quoted.
        fail_url("must not carry user information (pass tokens separately)",
                 "***@" + std::string(authority.substr(at + 1)));
    }
    std::string_view host;
    std::string_view rest;  // ":port" or empty
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) {
            fail_url("must close an IPv6 literal with ']'", shown_url(text));
        }
        host = authority.substr(1, close - 1);
        rest = authority.substr(close + 1);
        if (!is_valid_ipv6(host)) {
            fail_url("must have a valid IPv6 literal in brackets", shown(host));
        }
        if (!rest.empty() && rest.front() != ':') {
            fail_url("must have only ':port' after an IPv6 literal", shown_url(text));
        }
    } else {
        const std::size_t colon = authority.find(':');
        if (colon != std::string_view::npos &&
            authority.find(':', colon + 1) != std::string_view::npos) {
            fail_url("must put IPv6 literals in brackets, as in ws://[::1]:8080/ws",
                     shown_url(text));
        }
        host = authority.substr(0, colon);
        rest = colon == std::string_view::npos ? std::string_view() : authority.substr(colon);
        if (host.empty()) {
            fail_url("must have a host", shown_url(text));
        }
        if (!is_valid_name(host)) {
            fail_url("must have a valid host name or IP address", shown(host));
        }
    }
    url.host = std::string(host);
    url.port = default_port(url.scheme);
    if (!rest.empty()) {
        const std::string_view port_text = rest.substr(1);
        if (!parse_port(port_text, url.port)) {
            fail_url(port_requirement, shown(port_text));
        }
    }
}

}  // namespace

std::string Url::target() const {
    return query.empty() ? path : path + '?' + query;
}

std::string Url::host_for_header() const {
    return host.find(':') != std::string::npos ? '[' + host + ']' : host;
}

std::string Url::to_string() const {
    std::string text = scheme + "://" + host_for_header();
    if (port != default_port(scheme)) {
        text += ':' + std::to_string(port);
    }
    text += path;
    if (!query.empty()) {
        text += '?' + redact_url_secrets(query);
    }
    return text;
}

std::string percent_encode(std::string_view text) {
    static constexpr std::string_view kHex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += c;
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out += '%';
            out += kHex[byte >> 4U];
            out += kHex[byte & 0x0FU];
        }
    }
    return out;
}

std::string percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && detail::hex_digit_value(text[i + 1]) >= 0 &&
            detail::hex_digit_value(text[i + 2]) >= 0) {
            out += static_cast<char>(detail::hex_digit_value(text[i + 1]) * 16 +
                                     detail::hex_digit_value(text[i + 2]));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

std::vector<std::string> query_values(std::string_view query,
                                      const std::vector<std::string>& names) {
    std::vector<std::string> values;
    while (!query.empty()) {
        const std::size_t end = std::min(query.find('&'), query.size());
        const std::string_view parameter = query.substr(0, end);
        const std::size_t equals = parameter.find('=');
        if (equals != std::string_view::npos) {
            const std::string_view name = parameter.substr(0, equals);
            if (std::any_of(names.begin(), names.end(), [name](const std::string& wanted) {
                    return equals_ignoring_case(name, wanted);
                })) {
                values.emplace_back(parameter.substr(equals + 1));
            }
        }
        query.remove_prefix(std::min(end + 1, query.size()));
    }
    return values;
}

std::ostream& operator<<(std::ostream& out, const Url& url) {
    return out << url.to_string();
}

Url Url::parse(std::string_view text) {
    const std::size_t separator = text.find("://");
    Url url;
    url.scheme = separator == std::string_view::npos ? std::string()
                                                     : normalized_scheme(text.substr(0, separator));
    if (url.scheme.empty()) {
        fail_url("must start with ws://, wss://, http:// or https://", shown_url(text));
    }
    for (const char c : text) {
        if (is_space_or_control(c)) {
            fail_url("must not contain whitespace or control characters", shown_url(text));
        }
    }
    if (text.find('#') != std::string_view::npos) {
        fail_url("must not have a fragment (#...)", shown_url(text));
    }
    if (const std::string hidden = redact_url_userinfo(std::string(text)); hidden != text) {
        // The user information may hold a password (with '/' or '?' in it): never quoted.
        fail_url("must not carry user information (pass tokens separately)", shown_url(hidden));
    }
    const std::string_view rest = text.substr(separator + 3);
    const std::size_t authority_end = rest.find_first_of("/?");
    parse_authority(rest.substr(0, authority_end), text, url);

    const std::string_view after =
        authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
    const std::size_t question = after.find('?');
    url.path = std::string(after.substr(0, question));
    if (url.path.empty()) {
        url.path = "/";
    }
    url.query = question == std::string_view::npos ? std::string()
                                                   : std::string(after.substr(question + 1));
    return url;
}

Url Url::build(std::string_view scheme, std::string_view host, long long port,
               std::string_view path) {
    const auto fail = [](std::string_view field, std::string_view requirement, std::string actual) {
        throw ConfigError(std::string(build_id), std::string(field), std::string(requirement),
                          std::move(actual));
    };
    Url url;
    url.scheme = normalized_scheme(scheme);
    if (url.scheme.empty()) {
        fail("/scheme", "must be ws, wss, http or https", shown(scheme));
    }
    // "[::1]" is accepted as well as "::1".
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (host.empty()) {
        fail("/host", "must be a non-empty host name or IP address", shown(host));
    }
    if (!is_valid_host(host)) {
        fail("/host", "must be a valid host name or IP address", std::string(host));
    }
    url.host = std::string(host);
    if (port < 1 || port > 65535) {
        fail("/port", "must be 1-65535", std::to_string(port));
    }
    url.port = static_cast<std::uint16_t>(port);
    // A query may come with the path ("/ws?v=2"); it is kept apart as parse() does.
    const std::size_t question = path.find('?');
    const std::string_view path_only = path.substr(0, question);
    if (path_only.empty() || path_only.front() != '/') {
        fail("/path", "must start with '/'", shown_url(path));
    }
    for (const char c : path) {
        if (is_space_or_control(c) || c == '#') {
            fail("/path", "must not contain whitespace, control characters or '#'",
                 shown_url(path));
        }
    }
    url.path = std::string(path_only);
    url.query =
        question == std::string_view::npos ? std::string() : std::string(path.substr(question + 1));
    return url;
}

}  // namespace goldenpath
