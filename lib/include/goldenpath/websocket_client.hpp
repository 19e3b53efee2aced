#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "goldenpath/clock.hpp"
#include "goldenpath/failure.hpp"
#include "goldenpath/timeouts.hpp"
#include "goldenpath/tls_options.hpp"
#include "goldenpath/transport_options.hpp"
#include "goldenpath/url.hpp"

namespace goldenpath {

// What to connect to and what to send with the upgrade request.
// One connection's parameters. The TLS settings (ca_file, insecure_skip_verify, client
// certificate and key) and the transport ones (max_message_bytes, permessage_deflate, keepalive)
// are the members of its bases, shared with EndpointConfig.
struct ConnectRequest : TlsOptions, TransportOptions {
    Url url;
    std::vector<std::pair<std::string, std::string>> headers;  // e.g. Authorization, Origin
    std::vector<std::string> subprotocols;                     // Sec-WebSocket-Protocol offer
    Timeouts timeouts;
    // Secrets in headers, subprotocols or the query; redacted from every failure detail.
    std::vector<std::string> secrets;
    // An HTTP proxy (scheme "http", host and port only; see parse_proxy_url): the client connects
    // to it, asks it to `CONNECT host:port` of `url` (the proxy resolves the target's name), and
    // runs TLS and the upgrade through the tunnel. Its answer counts against timeouts.connect.
    std::optional<Url> proxy;
};

struct ReceivedFrame {
    std::string text;
    bool binary = false;
    Clock::time_point arrival{};
};

struct CloseInfo {
    int code = 1006;  // 1006: no close frame (abnormal closure)
    std::string reason;
};

struct ReceiveResult {
    enum class Status { frame, closed, timeout, error };
    Status status = Status::error;
    ReceivedFrame frame;  // Status::frame
    CloseInfo close;      // Status::closed
    Failure failure;      // Status::error
};
std::ostream& operator<<(std::ostream& out, ReceiveResult::Status status);  // its name

// A WebSocket client connection: the seam between journeys and transports. BeastClient talks to
// real sockets; MockWebSocketClient (fixtures) lets code under test take any client.
// Implementations need not be thread-safe: a journey makes one call at a time, but under async_run
// not all on one thread (blocking calls on a thread of the client's own, the rest on the loop).
class WebSocketClient {
  public:
    virtual ~WebSocketClient() = default;

    // Connects and upgrades. nullopt on success, else the classified failure (refused, dns,
    // timeout(connect|tls|upgrade), tls, http_status, auth_rejected, closed).
    virtual std::optional<Failure> connect(const ConnectRequest& request) = 0;
    // Writes one text frame.
    virtual std::optional<Failure> send_text(std::string_view text) = 0;
    // Waits for the next frame until `deadline`.
    virtual ReceiveResult receive(Clock::time_point deadline) = 0;
    // Sends a close frame and reads until the server's close frame or `deadline`; returns the
    // data frames that arrived meanwhile (the server may have sent them before it saw our close),
    // so journeys see frames sent after completion without waiting. Safe to call twice (the
    // second call returns nothing).
    virtual std::vector<ReceivedFrame> close(int code, std::string_view reason,
                                             Clock::time_point deadline) = 0;
    // The subprotocol the server selected, empty when none.
    virtual std::string selected_subprotocol() const = 0;
    // True when the last connect() went to a wss:// URL with insecure_skip_verify: the server's
    // certificate was not checked, so whoever reports a result should say so loudly.
    virtual bool tls_verification_skipped() const { return false; }
};

}  // namespace goldenpath
