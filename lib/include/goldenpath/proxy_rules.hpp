#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "goldenpath/url.hpp"

namespace goldenpath {

// An HTTP CONNECT proxy: "http://host:port" ("host:port" means the same; the port may be
// omitted for 80). Returns a Url with scheme "http" and an empty path. ConfigError naming `field`
// for any other scheme, a path, or user information ("user:pass@", rejected without quoting it:
// proxy authentication is not supported, and credentials must never reach a log).
Url parse_proxy_url(std::string_view text, std::string_view field);

// One no_proxy entry, validated, trimmed and lower-cased: "*", a host name or domain
// ("example.com" or ".example.com"), an IP literal ("10.0.0.1", "::1" or "[::1]"), each with an
// optional ":port" (not after an unbracketed IPv6 literal). ConfigError naming `field` otherwise.
std::string parse_no_proxy_entry(std::string_view entry, std::string_view field);
// A comma-separated no_proxy list (empty entries skipped), each entry as parse_no_proxy_entry.
std::vector<std::string> parse_no_proxy(std::string_view text, std::string_view field);

// True when `no_proxy` says `target` is reached directly, with curl's rules: "*" matches every
// host; a name matches itself and its subdomains (a leading '.' is ignored); an IP literal matches
// only itself; an entry with ":port" matches only that port. Case-insensitive. Entries that
// parse_no_proxy_entry would reject match nothing. There is no implicit bypass for loopback.
bool bypasses_proxy(const Url& target, const std::vector<std::string>& no_proxy);

// True when `proxy` has the shape parse_proxy_url returns (scheme http, a host and port, no path
// or query).
bool is_proxy_url(const Url& proxy) noexcept;

}  // namespace goldenpath
