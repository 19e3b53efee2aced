#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace goldenpath {

// A ws:// or wss:// (WebSocket) endpoint, or an http:// or https:// one (the start message is
// POSTed and the events come back as server-sent events). parse() and build() validate; both throw
// ConfigError naming the field ("/url", "/port", ...) and the offending value.
struct Url {
    std::string scheme;  // "ws", "wss", "http" or "https"
    std::string host;    // name or IP literal, without brackets for IPv6
    std::uint16_t port = 0;
    std::string path = "/ws";  // starts with '/'
    std::string query;         // without '?', may be empty

    bool tls() const noexcept { return scheme == "wss" || scheme == "https"; }
    // True for http:// and https://: the events arrive as a text/event-stream, not as frames.
    bool event_stream() const noexcept { return scheme == "http" || scheme == "https"; }
    // Path plus "?query" when present: the HTTP request target of the upgrade (or the POST).
    std::string target() const;
    // Full URL; the values of secret-named query parameters (token=, api_key=, ...; see
    // default_secret_query_params) are redacted. Default ports are omitted.
    std::string to_string() const;
    // Host as written in a URL or Host header: IPv6 literals in brackets.
    std::string host_for_header() const;

    static Url parse(std::string_view text);
    static Url build(std::string_view scheme, std::string_view host, long long port,
                     std::string_view path = "/ws");

    friend bool operator==(const Url&, const Url&) = default;
};

// `text` with every byte but the RFC 3986 unreserved ones (A-Z a-z 0-9 - . _ ~) written as %XX
// (upper-case hex): safe as a query value, whatever the text holds ('&', '+', '=', non-ASCII).
std::string percent_encode(std::string_view text);
// %XX escapes decoded; anything else, malformed escapes included, kept as it is.
std::string percent_decode(std::string_view text);
// The values, as written, of the parameters of `query` whose name is one of `names` (compared
// ignoring case).
std::vector<std::string> query_values(std::string_view query,
                                      const std::vector<std::string>& names);

// Writes url.to_string() (token redacted); also what GoogleTest prints for a Url.
std::ostream& operator<<(std::ostream& out, const Url& url);

}  // namespace goldenpath
