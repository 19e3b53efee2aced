#pragma once

#include <memory>

#include "goldenpath/host_resolver.hpp"
#include "goldenpath/websocket_client.hpp"

namespace goldenpath {

// WebSocketClient over real TCP (ws://) or TLS (wss://) with Boost.Beast behind a pimpl. Blocking
// calls with deadlines; one instance is one connection. It is the blocking facade over the
// connection AsyncWebSocketClient runs on an EventLoop (same steps, same classification): each
// instance runs a private io_context only inside its calls, so no threads, no sleeps. For many
// connections at once use AsyncWebSocketClient or GoldenPathJourney::async_run.
// Not thread-safe: call an instance from one thread at a time (distinct ones may run at once).
//
// - connect: IP literals skip the resolver, names go through it (ResolveError -> dns). Failures
//   carry one Attempt, the redacted URL, and every ConnectRequest::secrets text replaced by ***.
// - ConnectRequest::proxy: TCP to the proxy (only its name goes through the resolver), then
//   `CONNECT host:port` of the URL, all within the connect deadline; after a 2xx, TLS and the
//   upgrade run through the tunnel as without a proxy. A refused proxy is refused, a non-2xx answer
//   http_status(code) in phase connect (5xx retryable, 4xx such as 407 not), a proxy that closes
//   before answering closed(1006), no answer in time timeout(connect); each detail names the proxy.
// - wss://: TLS 1.2+ with SNI (names) and hostname verification (DNS or IP address SAN) against
//   ConnectRequest::ca_file, else the system CA store. Failures are kind tls, phase tls, with
//   tls_reason unknown_ca, hostname_mismatch, expired, not_yet_valid, not_tls_server (the peer
//   answered in plain text), ca_file_unreadable, client_certificate_unreadable,
//   client_key_unreadable, client_certificate_required (mutual TLS and none was sent; with TLS
//   1.3 the alert arrives during the upgrade and is still reported so),
//   client_certificate_rejected (the server refused ours) or handshake_failed (OpenSSL's text in
//   the detail); the tls deadline
//   gives timeout(tls). insecure_skip_verify connects without checks and says so in
//   tls_verification_skipped() and in every failure detail.
// - ws:// to a TLS server: the upgrade fails as closed(1006) whose detail says "the server may
//   speak TLS: try wss://".
// - receive: a receive that reaches its deadline returns Status::timeout and leaves the read
//   pending; the next receive continues it, so a late frame is not lost and the connection stays
//   usable. A receive whose deadline has already passed returns Status::timeout without reading
//   (only a read that already completed is still handed out), so a server that floods frames
//   cannot keep a caller from its deadline. A close frame gives Status::closed with the
//   server's code and reason (frames sent after it are never delivered); a connection lost
//   without one gives code 1006 and the error text as reason. Later calls repeat it.
// - Frames the client must reject end receive() with Status::error, kind malformed_frame whose
//   frame_index is the number of frames returned before, close_code the code the client failed
//   the connection with and a detail naming Beast's reason ("bad_masked_frame", ...): 1009 for a
//   message above ConnectRequest::max_message_bytes (the detail names the limit; the message is
//   never buffered beyond it), 1007 for invalid UTF-8 in a text message, 1002 for other protocol
//   violations (RSV bits without an extension, masked server frames, bad opcodes or lengths,
//   fragmented control frames), 1006 for compressed data that does not inflate.
// - permessage-deflate is offered only when ConnectRequest::permessage_deflate is set: agent
//   events are small JSON, so compression buys little and costs a zlib state (tens of KB) per
//   connection, which matters at 1000 users, and uncompressed traffic keeps byte counts and
//   limits predictable. Without the offer, a 101 that selects an extension anyway fails the
//   upgrade as closed(1006) (RFC 6455 §9.1), and an RSV1 frame is malformed_frame (1002). The
//   max_message_bytes limit applies to the inflated size (no decompression bombs).
// - keepalive (ConnectRequest::keepalive = interval): while a receive() waits, the client pings
//   after an interval without any frame from the server, and a server that sends nothing (no
//   pong) for another interval ends the receive with Status::error, kind stalled, detail
//   "keepalive: no pong ...", waited_ms = two intervals. Pings only go out inside calls. A
//   keepalive of zero or less makes connect() throw ConfigError naming /keepalive.
// - send_text: writes with a fixed 5 s deadline; any error is Failure kind closed.
// - close: writes the close frame and keeps reading until the server's close frame (or the
//   deadline), returning the data frames that arrived meanwhile. The destructor closes with 1001
//   and a 200 ms deadline and never throws.
// - http:// and https:// URLs (docs/transport.md): connect opens the TCP (and TLS) connection,
//   the first send_text POSTs the start message and reads the answer's header, receive returns
//   one server-sent event's data per frame and Status::closed when the body ends.
class BeastClient final : public WebSocketClient {
  public:
    explicit BeastClient(std::shared_ptr<HostResolver> resolver = system_resolver());
    ~BeastClient() override;
    BeastClient(const BeastClient&) = delete;
    BeastClient& operator=(const BeastClient&) = delete;

    std::optional<Failure> connect(const ConnectRequest& request) override;
    std::optional<Failure> send_text(std::string_view text) override;
    ReceiveResult receive(Clock::time_point deadline) override;
    std::vector<ReceivedFrame> close(int code, std::string_view reason,
                                     Clock::time_point deadline) override;
    std::string selected_subprotocol() const override;
    bool tls_verification_skipped() const override;

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace goldenpath
