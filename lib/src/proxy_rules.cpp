#include "goldenpath/proxy_rules.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "config_fields.hpp"
#include "strict_integer.hpp"
#include "text_helpers.hpp"

namespace goldenpath {

namespace {

using detail::fail_field;
using detail::lower_ascii;
using detail::shown;
using detail::trim;

using detail::kProxyRequirement;
constexpr std::string_view no_proxy_requirement =
    "must list *, host names, .domains or IP literals, each with an optional :port";

// Proxy URL text as it may appear in an error: user information replaced by "***".
std::string shown_proxy(std::string_view text) {
    const std::size_t separator = text.find("://");
    const std::size_t authority = separator == std::string_view::npos ? 0 : separator + 3;
    const std::size_t authority_end = std::min(text.find('/', authority), text.size());
    const std::size_t at = text.substr(0, authority_end).rfind('@');
    if (at == std::string_view::npos || at < authority) {
        return shown(text);
    }
    return std::string(text.substr(0, authority)) + "***" + std::string(text.substr(at));
}

bool is_host_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

bool is_ipv6_char(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.';
}

// A no_proxy entry taken apart; `ip` entries match only the same address.
struct NoProxyEntry {
    std::string host;  // "*", a name without leading '.', or an IP literal without brackets
    std::optional<std::uint16_t> port;
    bool ip = false;
};

std::optional<std::uint16_t> parse_entry_port(std::string_view text) {
    const std::optional<long long> port = detail::parse_digits(text);
    if (!port || *port < 1 || *port > 65535) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(*port);
}

// nullopt when `text` (trimmed, lower-case) is no valid entry.
std::optional<NoProxyEntry> split_no_proxy_entry(std::string_view text) {
    NoProxyEntry entry;
    std::string_view host = text;
    std::string_view port;
    bool has_port = false;
    if (!text.empty() && text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos) {
            return std::nullopt;
        }
        host = text.substr(1, close - 1);
        const std::string_view rest = text.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') {
            return std::nullopt;
        }
        has_port = !rest.empty();
        port = has_port ? rest.substr(1) : std::string_view();
        entry.ip = true;
    } else if (std::count(text.begin(), text.end(), ':') >= 2) {
        entry.ip = true;  // an IPv6 literal without brackets cannot carry a port
    } else if (const std::size_t colon = text.find(':'); colon != std::string_view::npos) {
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        has_port = true;
    }
    if (has_port) {
        entry.port = parse_entry_port(port);
        if (!entry.port) {
            return std::nullopt;
        }
    }
    if (host == "*" && !has_port) {
        entry.host = "*";
        return entry;
    }
    if (entry.ip) {
        if (host.find(':') == std::string_view::npos ||
            !std::all_of(host.begin(), host.end(), is_ipv6_char)) {
            return std::nullopt;
        }
    } else {
        if (!host.empty() && host.front() == '.') {
            host.remove_prefix(1);
        }
        if (host.empty() || !std::all_of(host.begin(), host.end(), is_host_char)) {
            return std::nullopt;
        }
        entry.ip = std::all_of(host.begin(), host.end(),
                               [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
    }
    entry.host = std::string(host);
    return entry;
}

bool entry_matches(const NoProxyEntry& entry, const std::string& target_host,
                   std::uint16_t target_port) {
    if (entry.host == "*") {
        return true;
    }
    if (entry.port && *entry.port != target_port) {
        return false;
    }
    if (target_host == entry.host) {
        return true;
    }
    return !entry.ip && target_host.size() > entry.host.size() &&
           target_host.ends_with(entry.host) &&
           target_host[target_host.size() - entry.host.size() - 1] == '.';
}

}  // namespace

Url parse_proxy_url(std::string_view text, std::string_view field) {
    const std::string_view trimmed = trim(text);
    const std::size_t separator = trimmed.find("://");
    if (separator != std::string_view::npos &&
        lower_ascii(trimmed.substr(0, separator)) != "http") {
        fail_field(
            field,
            "must be an http://host:port proxy URL (https:// and SOCKS proxies are not supported)",
            shown_proxy(trimmed));
    }
    const std::string_view rest =
        separator == std::string_view::npos ? trimmed : trimmed.substr(separator + 3);
    const std::size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
    const std::string_view authority = rest.substr(0, authority_end);
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
        fail_field(field,
                   "must not carry user information (proxy authentication is not supported, and "
                   "credentials never go into a configuration that may be printed)",
                   shown_proxy(trimmed));
    }
    const std::string_view after = rest.substr(authority_end);
    if (!after.empty() && after != "/") {
        fail_field(field, "must be an http://host:port proxy URL without a path or query",
                   shown_proxy(trimmed));
    }
    if (authority.empty() ||
        std::any_of(authority.begin(), authority.end(), detail::is_space_or_control)) {
        fail_field(field, kProxyRequirement, shown_proxy(trimmed));
    }
    Url url;
    try {
        url = Url::parse("ws://" + std::string(authority));
    } catch (const ConfigError& error) {
        fail_field(field, std::string(kProxyRequirement) + ": " + error.requirement(),
                   shown_proxy(trimmed));
    }
    url.scheme = "http";
    url.path.clear();
    url.query.clear();
    return url;
}

std::string parse_no_proxy_entry(std::string_view entry, std::string_view field) {
    std::string normalized = lower_ascii(trim(entry));
    if (!split_no_proxy_entry(normalized)) {
        fail_field(field, no_proxy_requirement, shown(trim(entry)));
    }
    return normalized;
}

std::vector<std::string> parse_no_proxy(std::string_view text, std::string_view field) {
    std::vector<std::string> entries;
    for (const std::string_view entry : detail::split(text, ',')) {
        if (!trim(entry).empty()) {
            entries.push_back(parse_no_proxy_entry(entry, field));
        }
    }
    return entries;
}

bool bypasses_proxy(const Url& target, const std::vector<std::string>& no_proxy) {
    std::string host = lower_ascii(target.host);
    if (host.size() > 1 && host.back() == '.') {
        host.pop_back();  // "example.com." is example.com
    }
    return std::any_of(no_proxy.begin(), no_proxy.end(), [&](const std::string& text) {
        const std::optional<NoProxyEntry> entry = split_no_proxy_entry(lower_ascii(trim(text)));
        return entry && entry_matches(*entry, host, target.port);
    });
}

bool is_proxy_url(const Url& proxy) noexcept {
    return proxy.scheme == "http" && (proxy.path.empty() || proxy.path == "/") &&
           proxy.query.empty() && !proxy.host.empty() && proxy.port != 0;
}

}  // namespace goldenpath
