#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

namespace goldenpath {

// A ws:// or wss:// endpoint. parse() and build() validate; both throw ConfigError naming the
// field ("/url", "/port", ...) and the offending value.
struct Url {
    std::string scheme;  // "ws" or "wss"
    std::string host;    // name or IP literal, without brackets for IPv6
    std::uint16_t port = 0;
    std::string path = "/ws";  // starts with '/'
    std::string query;         // without '?', may be empty

    bool tls() const noexcept { return scheme == "wss"; }
    // Path plus "?query" when present: the HTTP request target of the upgrade.
    std::string target() const;
    // Full URL; a token=... query parameter is redacted. Default ports are omitted.
    std::string to_string() const;
    // Host as written in a URL or Host header: IPv6 literals in brackets.
    std::string host_for_header() const;

    static Url parse(std::string_view text);
    static Url build(std::string_view scheme, std::string_view host, long long port,
                     std::string_view path = "/ws");

    friend bool operator==(const Url&, const Url&) = default;
};

// Writes url.to_string() (token redacted); also what GoogleTest prints for a Url.
std::ostream& operator<<(std::ostream& out, const Url& url);

}  // namespace goldenpath
