// The only translation unit with client-side Boost.Beast (docs/architecture.md). BeastConnection is
// the connection as coroutines on an executor: each step starts an operation and suspends until its
// handler ran or its deadline passed; on a deadline the socket is cancelled and the operation
// drained, so no handler outlives its state. AsyncWebSocketClient and journeys run it on an
// EventLoop; BeastClient, the blocking facade, runs it on a private io_context inside each call.
#include "goldenpath/beast_client.hpp"
#include "goldenpath/version.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>  // teardown (TLS shutdown) of a websocket over TLS
#include <boost/beast/zlib/error.hpp>

#include "client_port.hpp"
#include "close_frame_watcher.hpp"
#include "goldenpath/config_error.hpp"
#include "goldenpath/redactor.hpp"
#include "goldenpath/secret.hpp"
#include "run_to_completion.hpp"

namespace goldenpath {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using error_code = beast::error_code;
using net::awaitable;
using net::use_awaitable;

constexpr std::size_t kBodyExcerpt = 200;
constexpr Milliseconds kWriteTimeout{5000};
constexpr Milliseconds kDestructorCloseTimeout{200};
constexpr std::chrono::seconds kDrainLimit{2};
constexpr Milliseconds kSettleLimit{100};
constexpr std::size_t kKeptReadBuffer = 64U * 1024U;
// Data frames close() hands back (late frames, judged as event_after_completion); a server that
// floods during the close gets the rest read and dropped.
constexpr std::size_t kMaxDrainedFrames = 100;
constexpr std::size_t kMaxDrainedBytes = 1024U * 1024U;
// "goldenpath/MAJOR.MINOR.PATCH", from the generated version header.
const std::string kUserAgent = "goldenpath/" + std::string(version_string);

// Completion state of one asynchronous operation, shared with its handler. The waiting
// coroutine sleeps on `wake` until its deadline; the handler cancels the sleep.
struct OpState {
    explicit OpState(const net::any_io_executor& executor) : wake(executor) {}
    bool done = false;
    error_code ec;
    std::size_t bytes = 0;
    net::steady_timer wake;
};

bool is_connection_loss(const error_code& ec) {
    return ec == net::error::eof || ec == http::error::end_of_stream ||
           ec == http::error::partial_message || ec == net::error::connection_reset ||
           ec == net::error::connection_aborted || ec == net::error::broken_pipe ||
           ec == beast::websocket::error::closed;
}

// The server ended the connection before it sent as much as an HTTP version ("HTTP/1.1"): nothing,
// as OpenSSL servers do with a plain-text request, or a 7-byte TLS alert record. Eight bytes or
// more that are not HTTP are Beast's bad_version, as for any garbage status line.
bool ended_before_an_http_line(const error_code& ec) {
    return ec == net::error::eof || ec == http::error::end_of_stream ||
           ec == http::error::partial_message || ec == net::error::connection_reset;
}

// The close code Beast sent when it failed the connection because of what the server sent;
// 0 when `ec` is no such failure (RFC 6455 §7.4.1: 1009 too big, 1007 bad payload, else 1002).
int failed_connection_code(const error_code& ec) {
    if (ec == websocket::error::message_too_big || ec == websocket::error::buffer_overflow) {
        return 1009;
    }
    if (ec == websocket::error::bad_frame_payload) {
        return 1007;
    }
    if (ec == websocket::condition::protocol_violation) {
        return 1002;
    }
    return 0;
}

// The name of Beast's websocket::error value, stable for tests and logs ("bad_masked_frame").
std::string_view websocket_error_name(const error_code& ec) {
    if (ec.category() != websocket::make_error_code(websocket::error::closed).category()) {
        return "other";
    }
    switch (static_cast<websocket::error>(ec.value())) {
        case websocket::error::buffer_overflow:
            return "buffer_overflow";
        case websocket::error::partial_deflate_block:
            return "partial_deflate_block";
        case websocket::error::message_too_big:
            return "message_too_big";
        case websocket::error::bad_opcode:
            return "bad_opcode";
        case websocket::error::bad_data_frame:
            return "bad_data_frame";
        case websocket::error::bad_continuation:
            return "bad_continuation";
        case websocket::error::bad_reserved_bits:
            return "bad_reserved_bits";
        case websocket::error::bad_control_fragment:
            return "bad_control_fragment";
        case websocket::error::bad_control_size:
            return "bad_control_size";
        case websocket::error::bad_unmasked_frame:
            return "bad_unmasked_frame";
        case websocket::error::bad_masked_frame:
            return "bad_masked_frame";
        case websocket::error::bad_size:
            return "bad_size";
        case websocket::error::bad_frame_payload:
            return "bad_frame_payload";
        case websocket::error::bad_close_code:
            return "bad_close_code";
        case websocket::error::bad_close_size:
            return "bad_close_size";
        case websocket::error::bad_close_payload:
            return "bad_close_payload";
        default:
            return "other";
    }
}

// permessage-deflate data that does not inflate: Beast drops the connection without a close.
bool is_inflate_error(const error_code& ec) {
    return ec.category() ==
           beast::zlib::make_error_code(beast::zlib::error::need_buffers).category();
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) {
            out += separator;
        }
        out += item;
    }
    return out;
}

// A masked client close frame (RFC 6455 §5.5.1): code, then up to 123 bytes of reason.
std::string client_close_frame(int code, std::string_view reason) {
    reason = reason.substr(0, 123);
    std::string payload;
    payload.push_back(static_cast<char>((code >> 8) & 0xff));
    payload.push_back(static_cast<char>(code & 0xff));
    payload.append(reason);
    // A per-thread generator seeded once: std::random_device per frame cost 12% of a journey's
    // CPU time (bench profile). Masks only need to be unpredictable to intermediaries.
    thread_local std::mt19937 random{std::random_device{}()};
    std::array<unsigned char, 4> mask{};
    for (auto& byte : mask) {
        byte = static_cast<unsigned char>(random() & 0xffU);
    }
    std::string frame;
    frame.push_back(static_cast<char>(0x88));                    // FIN + opcode close
    frame.push_back(static_cast<char>(0x80U | payload.size()));  // masked, length <= 125
    for (const auto byte : mask) {
        frame.push_back(static_cast<char>(byte));
    }
    for (std::size_t i = 0; i < payload.size(); ++i) {
        frame.push_back(static_cast<char>(static_cast<unsigned char>(payload[i]) ^ mask[i % 4]));
    }
    return frame;
}

// The tls(reason) of a failed certificate verification (docs/wire-contract.md); empty when the
// verify result is not one of the reasons we name.
std::string_view verify_reason(long result) {
    switch (result) {
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            return "unknown_ca";
        case X509_V_ERR_HOSTNAME_MISMATCH:
        case X509_V_ERR_IP_ADDRESS_MISMATCH:
            return "hostname_mismatch";
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return "expired";
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return "not_yet_valid";
        default:
            return {};
    }
}

struct StoreFree {
    void operator()(X509_STORE* store) const noexcept { X509_STORE_free(store); }
};

// The system CA store, loaded once per process (parsing the bundle takes ~20 ms) and shared by
// every wss:// connection without ca_file; null when it cannot be loaded. X509_STORE is
// reference counted and locks internally, so contexts on several threads may share it.
X509_STORE* system_ca_store() {
    static const std::unique_ptr<X509_STORE, StoreFree> store = [] {
        std::unique_ptr<X509_STORE, StoreFree> loaded(X509_STORE_new());
        if (loaded && X509_STORE_set_default_paths(loaded.get()) != 1) {
            loaded.reset();
        }
        ERR_clear_error();  // a missing default file or directory must not show up later
        return loaded;
    }();
    return store.get();
}

// True when the bytes the server sent are no TLS record at all: a plain HTTP or WebSocket server
// answering our ClientHello (typically with "HTTP/1.1 400").
// The server's alert about our client certificate (mutual TLS): "client_certificate_required"
// when we sent none, "client_certificate_rejected" when it did not accept the one we sent; empty
// for any other error. With TLS 1.3 the alert arrives after the client's side of the handshake,
// during the upgrade; with TLS 1.2 during the handshake.
std::string_view client_certificate_reason(const error_code& ec, bool sent_certificate) {
    if (ec.category() != net::error::get_ssl_category()) {
        return {};
    }
    switch (ERR_GET_REASON(static_cast<unsigned long>(ec.value()))) {
        case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
            return "client_certificate_required";
        case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
            return sent_certificate ? std::string_view{} : "client_certificate_required";
        case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
        case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
        case SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED:
        case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
        case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
        case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
            return sent_certificate ? "client_certificate_rejected" : std::string_view{};
        default:
            return {};
    }
}

bool is_not_tls(const error_code& ec) {
    if (ec.category() != net::error::get_ssl_category()) {
        return false;
    }
    switch (ERR_GET_REASON(static_cast<unsigned long>(ec.value()))) {
        case SSL_R_WRONG_VERSION_NUMBER:
        case SSL_R_PACKET_LENGTH_TOO_LONG:
        case SSL_R_HTTP_REQUEST:
        case SSL_R_HTTPS_PROXY_REQUEST:
        case SSL_R_UNKNOWN_PROTOCOL:
        case SSL_R_RECORD_LENGTH_MISMATCH:
            return true;
        default:
            return false;
    }
}

}  // namespace

// One connection as coroutines on `executor` (a strand or a single-threaded context). Every
// handler holds the connection alive, so the streams outlive their operations.
class BeastConnection final : public std::enable_shared_from_this<BeastConnection> {
  public:
    BeastConnection(net::any_io_executor executor, std::shared_ptr<HostResolver> resolver)
        : executor_(std::move(executor)),
          resolver_(resolver ? std::move(resolver) : system_resolver()) {}

    BeastConnection(const BeastConnection&) = delete;
    BeastConnection& operator=(const BeastConnection&) = delete;

    awaitable<std::optional<Failure>> connect(ConnectRequest request);
    awaitable<std::optional<Failure>> send_text(std::string text);
    awaitable<ReceiveResult> receive(Clock::time_point deadline);
    awaitable<std::vector<ReceivedFrame>> close(int code, std::string reason,
                                                Clock::time_point deadline);
    std::string selected_subprotocol() const { return subprotocol_; }
    bool tls_verification_skipped() const { return verification_skipped_; }
    // True while a close() would have something to do (a stream that was not torn down).
    bool needs_close() const { return ws_.has_value() && !torn_down_; }
    const net::any_io_executor& executor() const { return executor_; }

  private:
    // ws:// and wss:// share every step after the TLS handshake: each use of the stream visits
    // whichever alternative this connection has.
    // CloseFrameWatcher keeps the server's close frame payload, which Beast drops when the code
    // is invalid.
    using PlainStream = websocket::stream<detail::CloseFrameWatcher<beast::tcp_stream>>;
    using TlsStream =
        websocket::stream<detail::CloseFrameWatcher<beast::ssl_stream<beast::tcp_stream>>>;
    using Stream = std::variant<PlainStream, TlsStream>;

    // The handler of one operation: records the result and wakes the waiting coroutine.
    struct Completion {
        std::shared_ptr<OpState> state;
        std::shared_ptr<BeastConnection> keep_alive;

        void operator()(error_code ec, std::size_t bytes = 0) const {
            state->done = true;
            state->ec = ec;
            state->bytes = bytes;
            state->wake.cancel();
        }
        void operator()(error_code ec, const tcp::endpoint& /*connected*/) const { (*this)(ec); }
    };

    std::shared_ptr<OpState> new_op() const { return std::make_shared<OpState>(executor_); }
    Completion completion(const std::shared_ptr<OpState>& state) {
        return Completion{state, shared_from_this()};
    }

    template <class Visitor>
    decltype(auto) visit_ws(Visitor&& visitor) {
        return std::visit(std::forward<Visitor>(visitor), *ws_);
    }
    beast::tcp_stream& tcp() {
        return visit_ws([](auto& ws) -> beast::tcp_stream& { return beast::get_lowest_layer(ws); });
    }
    bool ws_open() {
        return ws_ && !torn_down_ && visit_ws([](auto& ws) { return ws.is_open(); });
    }
    bool got_text() {
        return visit_ws([](auto& ws) { return ws.got_text(); });
    }
    websocket::close_reason close_reason() {
        return visit_ws([](auto& ws) { return ws.reason(); });
    }

    // Suspends until `state` is done or `deadline` passed; true when done.
    static awaitable<bool> wait_until(std::shared_ptr<OpState> state, Clock::time_point deadline) {
        if (!state->done && Clock::now() < deadline) {
            state->wake.expires_at(deadline);
            error_code woken;  // operation_aborted when the handler ran first
            co_await state->wake.async_wait(net::redirect_error(use_awaitable, woken));
        }
        co_return state->done;
    }

    // After a deadline: cancel the socket's operations and wait until `state`'s handler ran.
    awaitable<void> cancel_and_drain(std::shared_ptr<OpState> state) {
        if (ws_) {
            error_code ignored;
            tcp().socket().cancel(ignored);
        }
        if (!co_await wait_until(state, Clock::now() + kDrainLimit)) {
            close_socket();
            co_await wait_until(state, Clock::now() + kSettleLimit);
        }
    }

    void close_socket() {
        if (!ws_) {
            return;
        }
        error_code ignored;
        auto& socket = tcp().socket();
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
    }

    // Ends the stream after a failed connect step or a close. The stream object itself stays
    // until the next connect (or the connection's end): aborted operations may still refer to it.
    void discard_stream() {
        close_socket();
        torn_down_ = true;
    }

    std::shared_ptr<OpState> start_read() {
        auto state = new_op();
        visit_ws([&](auto& ws) { ws.async_read(buffer_, completion(state)); });
        return state;
    }

    Failure make_failure(FailureKind kind, Phase phase, std::string detail) const {
        Failure failure;
        failure.kind = kind;
        failure.phase = phase;
        failure.url = url_;
        failure.detail = std::move(detail);
        return failure;
    }
    Failure tls_failure(std::string_view reason, std::string detail) const {
        Failure failure = make_failure(FailureKind::tls, Phase::tls, std::move(detail));
        failure.tls_reason = std::string(reason);
        return failure;
    }

    Failure finish(Failure failure, Clock::time_point started) const;
    std::optional<Failure> make_tls_context(const ConnectRequest& request);
    awaitable<std::optional<Failure>> tcp_connect(std::vector<tcp::endpoint> endpoints,
                                                  Clock::time_point deadline);
    awaitable<std::optional<Failure>> proxy_connect(const Url& target, Clock::time_point deadline);
    Failure proxy_closed(std::string reason, std::string detail) const;
    awaitable<std::optional<Failure>> tls_handshake(const ConnectRequest& request,
                                                    Clock::time_point deadline);
    Failure classify_tls_error(const error_code& ec);
    Failure classify_read_error(const error_code& ec);
    void configure_open_stream(const ConnectRequest& request);
    awaitable<void> stop_keepalive();
    void on_server_close();
    void check_server_close_payload();
    std::optional<Failure> invalid_server_close() const;
    bool invalid_close_due() const;
    bool server_may_speak_tls(const error_code& ec) const;
    awaitable<std::optional<Failure>> handshake(const ConnectRequest& request,
                                                Clock::time_point deadline);
    ReceivedFrame take_frame();
    std::string redacted(std::string text) const {
        for (const auto& secret : secrets_) {
            if (!secret.empty()) {
                text = redact(std::move(text), secret);
            }
        }
        return text;
    }

    net::any_io_executor executor_;
    std::shared_ptr<HostResolver> resolver_;
    // Declared before ws_ so the context outlives the TLS stream that uses it.
    std::optional<ssl::context> tls_context_;
    std::optional<Stream> ws_;
    beast::flat_buffer buffer_;
    // A read that outlived its receive() deadline; the next receive() continues it.
    std::shared_ptr<OpState> pending_read_;
    bool open_ = false;
    bool torn_down_ = false;  // the socket of ws_ was closed; a new connect makes a new stream
    std::optional<CloseInfo> closed_;  // set once the connection ended
    std::string subprotocol_;
    std::string url_;
    std::string proxy_;  // "http://host:port" of this connection's proxy, empty without one
    std::vector<std::string> secrets_;
    std::size_t max_message_bytes_ = 0;
    std::optional<Milliseconds> keepalive_;
    std::size_t frames_delivered_ = 0;       // data frames handed out on this connection
    std::optional<CloseInfo> server_close_;  // the server's close frame, once it arrived
    std::optional<Failure> invalid_close_;   // ... when its code is invalid or cut short
    Milliseconds closing_timeout_{500};
    bool verifying_ = false;                // this wss:// connection checks the certificate
    bool sent_client_certificate_ = false;  // this wss:// connection offers a client certificate
    bool verification_skipped_ = false;     // wss:// with insecure_skip_verify
};

Failure BeastConnection::finish(Failure failure, Clock::time_point started) const {
    const double elapsed = elapsed_ms(started, Clock::now());
    switch (failure.kind) {
        case FailureKind::refused:
        case FailureKind::timeout:
        case FailureKind::dns:
        case FailureKind::closed:
            failure.retryable = true;
            break;
        case FailureKind::http_status:
            failure.retryable = failure.http_status >= 500;
            break;
        default:
            failure.retryable = false;
            break;
    }
    if (failure.kind == FailureKind::timeout) {
        failure.waited_ms = elapsed;
    }
    if (verification_skipped_) {
        // Loud on purpose: a result obtained without certificate checks must say so.
        failure.detail += std::string(failure.detail.empty() ? "" : "; ") +
                          "TLS certificate verification was SKIPPED (insecure_skip_verify)";
    }
    failure.url = redacted(failure.url);
    failure.detail = redacted(failure.detail);
    failure.body_excerpt = redacted(failure.body_excerpt);
    failure.close_reason = redacted(failure.close_reason);
    Attempt attempt;
    attempt.url = failure.url;
    attempt.kind_label = redacted(failure.kind_label());
    attempt.detail = failure.detail;
    attempt.elapsed_ms = elapsed;
    failure.attempts.push_back(std::move(attempt));
    return failure;
}

awaitable<std::optional<Failure>> BeastConnection::connect(ConnectRequest request) {
    detail::validate_connect_request(request);
    if (needs_close()) {
        co_await close(1000, "reconnect", Clock::now() + kDestructorCloseTimeout);
    }
    const auto started = Clock::now();
    secrets_ = request.secrets;
    url_ = request.url.to_string();
    subprotocol_.clear();
    closed_.reset();
    server_close_.reset();
    invalid_close_.reset();
    pending_read_.reset();
    buffer_.clear();
    frames_delivered_ = 0;
    max_message_bytes_ = request.max_message_bytes;
    keepalive_ = request.keepalive;
    open_ = false;
    ws_.reset();  // before its TLS context; no operation of it is left after close()
    torn_down_ = false;
    tls_context_.reset();
    verifying_ = request.url.tls() && !request.insecure_skip_verify;
    verification_skipped_ = request.url.tls() && request.insecure_skip_verify;
    proxy_.clear();
    if (request.proxy) {
        proxy_ = request.proxy->to_string();
    }

    // A bad CA or client certificate file needs no network to be found.
    if (request.url.tls()) {
        if (auto failure = make_tls_context(request)) {
            co_return finish(std::move(*failure), started);
        }
    }

    // The connect deadline starts after the local set-up: loading the system CA store is no time
    // the server took (it takes over 300 ms under ThreadSanitizer).
    const auto connect_deadline = Clock::now() + request.timeouts.connect;

    // Through a proxy only the proxy's host is resolved here: the proxy resolves the target's.
    const Url& first_hop = request.proxy ? *request.proxy : request.url;
    const std::string hop_prefix = proxy_.empty() ? std::string() : "proxy " + proxy_ + ": ";

    // Addresses: IP literals go straight to connect; names go through the injected resolver.
    std::vector<std::string> addresses;
    error_code literal_ec;
    net::ip::make_address(first_hop.host, literal_ec);
    if (!literal_ec) {
        addresses.push_back(first_hop.host);
    } else {
        auto resolved = resolver_->resolve(first_hop.host);
        if (auto* error = std::get_if<ResolveError>(&resolved)) {
            co_return finish(
                make_failure(FailureKind::dns, Phase::connect, hop_prefix + error->message),
                started);
        }
        addresses = std::get<std::vector<std::string>>(std::move(resolved));
    }
    std::vector<tcp::endpoint> endpoints;
    for (const auto& address : addresses) {
        error_code ec;
        const auto parsed = net::ip::make_address(address, ec);
        if (!ec) {
            endpoints.emplace_back(parsed, first_hop.port);
        }
    }
    if (endpoints.empty()) {
        co_return finish(make_failure(FailureKind::dns, Phase::connect,
                                      hop_prefix + "resolver returned no usable address for '" +
                                          first_hop.host + "': " + join(addresses, ", ")),
                         started);
    }

    if (tls_context_) {
        ws_.emplace(std::in_place_type<TlsStream>, executor_, *tls_context_);
    } else {
        ws_.emplace(std::in_place_type<PlainStream>, executor_);
    }
    if (auto failure = co_await tcp_connect(std::move(endpoints), connect_deadline)) {
        discard_stream();
        failure->detail = hop_prefix + failure->detail;
        co_return finish(std::move(*failure), started);
    }
    if (request.proxy) {
        if (auto failure = co_await proxy_connect(request.url, connect_deadline)) {
            discard_stream();
            co_return finish(std::move(*failure), started);
        }
    }
    if (tls_context_) {
        if (auto failure = co_await tls_handshake(request, Clock::now() + request.timeouts.tls)) {
            discard_stream();
            co_return finish(std::move(*failure), started);
        }
    }
    if (auto failure = co_await handshake(request, Clock::now() + request.timeouts.upgrade)) {
        discard_stream();
        co_return finish(std::move(*failure), started);
    }
    configure_open_stream(request);
    open_ = true;
    co_return std::nullopt;
}

// Beast's idle timer with keep_alive_pings pings after half the idle timeout without data and
// fails the read with beast::error::timeout after the whole of it; it runs only while the
// io_context does, i.e. inside receive() and close().
//
// A close frame from the server is reported by receive() as soon as it arrives (the control
// callback wakes the waiting read): Beast answers it and then waits for the server's FIN, which a
// hostile server may never send. That closing handshake runs on in the background with its own
// deadline (Beast's handshake_timeout, also for closing: timeouts.close), never the caller's.
void BeastConnection::configure_open_stream(const ConnectRequest& request) {
    closing_timeout_ = std::max(request.timeouts.close, Milliseconds{1});
    visit_ws([&](auto& ws) {
        ws.read_message_max(request.max_message_bytes);
        websocket::stream_base::timeout timeout{};
        timeout.handshake_timeout = closing_timeout_;
        timeout.idle_timeout =
            request.keepalive ? 2 * *request.keepalive : websocket::stream_base::none();
        timeout.keep_alive_pings = request.keepalive.has_value();
        ws.set_option(timeout);
        ws.control_callback([this](websocket::frame_type kind, beast::string_view) {
            if (kind == websocket::frame_type::close) {
                on_server_close();
            }
        });
        ws.next_layer().on_close_payload([this] { check_server_close_payload(); });
    });
    check_server_close_payload();  // it may have come with the upgrade response
}

// A close frame Beast rejects (an invalid code, a 1-byte payload) never reaches the control
// callback, and Beast reports it only after its closing handshake; the watcher below Beast saw
// the frame arrive, so it is reported now, with what the server sent.
void BeastConnection::check_server_close_payload() {
    if (invalid_close_ || server_close_) {
        return;
    }
    invalid_close_ = invalid_server_close();
    if (invalid_close_due() && pending_read_) {
        pending_read_->wake.cancel();
    }
}

namespace {
// RFC 6455 §7.4.1 and §7.4.2 (IANA registry): codes a peer may send in a close frame.
bool is_sendable_close_code(unsigned code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}
}  // namespace

// The hint for a failed plain-text upgrade: the first bytes the server sent have the shape of a
// TLS record (an alert, a handshake), or it closed without a byte, as OpenSSL servers do with a
// plain-text request. A server that spoke HTTP (a garbage status line, a bad
// Sec-WebSocket-Accept, no Upgrade header, headers too large) gets no hint.
bool BeastConnection::server_may_speak_tls(const error_code& ec) const {
    const auto& scanner = std::visit(
        [](const auto& ws) -> const detail::ServerFrameScanner& {
            return ws.next_layer().scanner();
        },
        *ws_);
    if (scanner.first_bytes_look_like_tls()) {
        return true;
    }
    return scanner.bytes_seen() == 0 && ended_before_an_http_line(ec);
}

// The watcher sees the close frame as its bytes arrive, possibly behind data messages Beast has
// yet to hand out: those come first.
bool BeastConnection::invalid_close_due() const {
    if (!invalid_close_) {
        return false;
    }
    const std::size_t before = std::visit(
        [](const auto& ws) { return ws.next_layer().scanner().messages_before_close(); }, *ws_);
    return frames_delivered_ >= before;
}

std::optional<Failure> BeastConnection::invalid_server_close() const {
    const auto& payload = std::visit(
        [](const auto& ws) -> const std::optional<std::string>& {
            return ws.next_layer().scanner().close_payload();
        },
        *ws_);
    if (!payload || payload->empty()) {
        return std::nullopt;
    }
    if (payload->size() == 1) {
        Failure failure = make_failure(FailureKind::malformed_frame, Phase::completion,
                                       "the server's close frame has a 1-byte payload; a close "
                                       "code takes 2 bytes (RFC 6455 §5.5.1); the client closed "
                                       "with 1002");
        failure.frame_index = frames_delivered_;
        failure.close_code = 1002;
        failure.close_reason = "close frame with a 1-byte payload";
        return failure;
    }
    const auto code = (static_cast<unsigned>(static_cast<unsigned char>((*payload)[0])) << 8U) |
                      static_cast<unsigned char>((*payload)[1]);
    if (is_sendable_close_code(code)) {
        return std::nullopt;
    }
    Failure failure = make_failure(FailureKind::closed, Phase::completion,
                                   "invalid close code " + std::to_string(code) +
                                       " (RFC 6455 §7.4); the client closed with 1002");
    failure.close_code = static_cast<int>(code);
    failure.close_reason = redacted(payload->substr(2));
    return failure;
}

// Runs inside a read of this connection (which holds it alive), before Beast answers the close.
void BeastConnection::on_server_close() {
    if (invalid_close_) {
        return;
    }
    if ((invalid_close_ = invalid_server_close())) {
        if (pending_read_ && invalid_close_due()) {
            pending_read_->wake.cancel();
        }
        return;
    }
    const auto reason = close_reason();
    server_close_ = CloseInfo{reason.code == 0 ? 1005 : static_cast<int>(reason.code),
                              redacted(std::string(reason.reason.c_str()))};
    if (pending_read_) {
        pending_read_->wake.cancel();
    }
}

// Verification is on unless insecure_skip_verify: against ca_file when given (it replaces the
// system store, like curl --cacert), else the system store. A client certificate is presented
// when configured (mutual TLS).
std::optional<Failure> BeastConnection::make_tls_context(const ConnectRequest& request) {
    tls_context_.emplace(ssl::context::tls_client);
    auto& context = *tls_context_;
    SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
    error_code ec;
    if (request.insecure_skip_verify) {
        context.set_verify_mode(ssl::verify_none);
    } else {
        context.set_verify_mode(ssl::verify_peer);
        if (request.ca_file) {
            context.load_verify_file(request.ca_file->string(), ec);
            if (ec) {
                return tls_failure("ca_file_unreadable", "cannot load CA certificates from '" +
                                                             request.ca_file->string() +
                                                             "': " + ec.message());
            }
        } else {
            X509_STORE* const store = system_ca_store();
            if (store == nullptr) {
                return tls_failure("handshake_failed", "cannot load the system CA store");
            }
            SSL_CTX_set1_cert_store(context.native_handle(), store);
        }
    }
    sent_client_certificate_ = request.client_certificate_file.has_value();
    if (request.client_key_file && !request.client_certificate_file) {
        return tls_failure("client_certificate_unreadable",
                           "client_key_file is set but client_certificate_file is not");
    }
    if (request.client_certificate_file) {
        const std::string certificate = request.client_certificate_file->string();
        context.use_certificate_chain_file(certificate, ec);
        if (ec) {
            return tls_failure(
                "client_certificate_unreadable",
                "cannot load the client certificate from '" + certificate + "': " + ec.message());
        }
        // Without client_key_file the key is expected in the certificate file.
        const std::string key =
            request.client_key_file ? request.client_key_file->string() : certificate;
        context.use_private_key_file(key, ssl::context::pem, ec);
        if (ec) {
            return tls_failure("client_key_unreadable",
                               "cannot load the client key from '" + key + "': " + ec.message());
        }
    }
    return std::nullopt;
}

awaitable<std::optional<Failure>> BeastConnection::tcp_connect(std::vector<tcp::endpoint> endpoints,
                                                               Clock::time_point deadline) {
    auto state = new_op();
    tcp().async_connect(endpoints, completion(state));
    if (!co_await wait_until(state, deadline)) {
        co_await cancel_and_drain(state);
        co_return make_failure(FailureKind::timeout, Phase::connect,
                               "TCP connect did not complete before the connect deadline");
    }
    if (!state->ec) {
        // Small frames go out at once (no Nagle delay against delayed ACKs).
        error_code ignored;
        tcp().socket().set_option(tcp::no_delay(true), ignored);
        co_return std::nullopt;
    }
    if (state->ec == net::error::timed_out) {
        co_return make_failure(FailureKind::timeout, Phase::connect, state->ec.message());
    }
    // Refused, unreachable and the like: nothing accepted the connection.
    co_return make_failure(FailureKind::refused, Phase::connect, state->ec.message());
}

// The tunnel never opened: the proxy dropped the connection or spoke no HTTP.
Failure BeastConnection::proxy_closed(std::string reason, std::string detail) const {
    Failure failure = make_failure(FailureKind::closed, Phase::connect, std::move(detail));
    failure.close_code = 1006;
    failure.close_reason = std::move(reason);
    return failure;
}

// Asks the proxy for a tunnel to `target` (RFC 9110 §9.3.6) and reads its answer's header only:
// after a 2xx the connection is the tunnel, and any other answer ends the attempt.
awaitable<std::optional<Failure>> BeastConnection::proxy_connect(const Url& target,
                                                                 Clock::time_point deadline) {
    const std::string authority = target.host_for_header() + ":" + std::to_string(target.port);
    const auto timed_out = [&] {
        return make_failure(FailureKind::timeout, Phase::connect,
                            "proxy " + proxy_ + " did not answer CONNECT " + authority +
                                " before the connect deadline");
    };
    http::request<http::empty_body> connect_request{http::verb::connect, authority, 11};
    connect_request.set(http::field::host, authority);
    connect_request.set(http::field::user_agent, kUserAgent);
    auto write_state = new_op();
    http::async_write(tcp(), connect_request, completion(write_state));
    if (!co_await wait_until(write_state, deadline)) {
        co_await cancel_and_drain(write_state);
        co_return timed_out();
    }
    if (write_state->ec) {
        co_return proxy_closed("proxy closed the connection",
                               "proxy " + proxy_ + " closed the connection before CONNECT " +
                                   authority + " was sent (" + write_state->ec.message() + ")");
    }

    beast::flat_buffer buffer;
    http::response_parser<http::empty_body> parser;
    parser.skip(true);  // a 2xx answer to CONNECT has no body; other answers end the attempt
    auto read_state = new_op();
    http::async_read_header(tcp(), buffer, parser, completion(read_state));
    if (!co_await wait_until(read_state, deadline)) {
        co_await cancel_and_drain(read_state);
        co_return timed_out();
    }
    if (read_state->ec) {
        if (is_connection_loss(read_state->ec)) {
            co_return proxy_closed("proxy closed the connection",
                                   "proxy " + proxy_ +
                                       " closed the connection before it answered CONNECT " +
                                       authority + " (" + read_state->ec.message() + ")");
        }
        co_return proxy_closed("invalid proxy answer",
                               "proxy " + proxy_ + " sent an invalid answer to CONNECT " +
                                   authority + " (" + read_state->ec.message() + ")");
    }
    const auto& response = parser.get();
    const int status = static_cast<int>(response.result_int());
    if (status < 200 || status > 299) {
        std::string reason(response.reason());
        if (reason.empty()) {
            reason = std::string(http::obsolete_reason(response.result()));
        }
        Failure failure = make_failure(
            FailureKind::http_status, Phase::connect,
            "proxy " + proxy_ + " answered CONNECT with " + std::to_string(status) + " " + reason);
        failure.http_status = status;
        co_return failure;
    }
    if (buffer.size() != 0) {
        // The target speaks only after we do (TLS ClientHello or the upgrade request), so bytes
        // here came from the proxy and would corrupt the stream.
        co_return proxy_closed("invalid proxy answer",
                               "proxy " + proxy_ + " sent " + std::to_string(buffer.size()) +
                                   " unexpected bytes after its 2xx answer to CONNECT " +
                                   authority);
    }
    co_return std::nullopt;
}

// SNI for names; the certificate must name the URL's host (DNS name or IP address SAN).
awaitable<std::optional<Failure>> BeastConnection::tls_handshake(const ConnectRequest& request,
                                                                 Clock::time_point deadline) {
    auto& stream = std::get<TlsStream>(*ws_).next_layer().next_layer();
    SSL* const native = stream.native_handle();
    const std::string& host = request.url.host;
    error_code literal_ec;
    net::ip::make_address(host, literal_ec);
    const bool ip_literal = !literal_ec;
    // SSL_set_tlsext_host_name without its C cast; OpenSSL copies the name.
    std::string server_name = host;
    if (!ip_literal && SSL_ctrl(native, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                                server_name.data()) != 1) {
        co_return tls_failure("handshake_failed", "cannot set the TLS server name '" + host + "'");
    }
    if (verifying_) {
        const int set = ip_literal
                            ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(native), host.c_str())
                            : SSL_set1_host(native, host.c_str());
        if (set != 1) {
            co_return tls_failure("handshake_failed",
                                  "cannot verify the certificate against host '" + host + "'");
        }
    }
    auto state = new_op();
    stream.async_handshake(ssl::stream_base::client, completion(state));
    if (!co_await wait_until(state, deadline)) {
        co_await cancel_and_drain(state);
        co_return make_failure(FailureKind::timeout, Phase::tls,
                               "TLS handshake did not complete before the tls deadline");
    }
    if (!state->ec) {
        co_return std::nullopt;
    }
    co_return classify_tls_error(state->ec);
}

Failure BeastConnection::classify_tls_error(const error_code& ec) {
    SSL* const native = std::get<TlsStream>(*ws_).next_layer().next_layer().native_handle();
    const long verify = SSL_get_verify_result(native);
    if (verifying_ && verify != X509_V_OK) {
        const std::string_view reason = verify_reason(verify);
        return tls_failure(reason.empty() ? "handshake_failed" : reason,
                           std::string("certificate verification failed: ") +
                               X509_verify_cert_error_string(verify));
    }
    if (const auto reason = client_certificate_reason(ec, sent_client_certificate_);
        !reason.empty()) {
        return tls_failure(reason,
                           "the server refused the TLS client certificate (" + ec.message() + ")");
    }
    if (is_not_tls(ec)) {
        return tls_failure("not_tls_server",
                           "the server does not speak TLS (" + ec.message() + "): try ws://");
    }
    if (is_connection_loss(ec) || ec == ssl::error::stream_truncated) {
        return tls_failure(
            "handshake_failed",
            "the server closed the connection during the TLS handshake (" + ec.message() + ")");
    }
    return tls_failure("handshake_failed", ec.message());
}

awaitable<std::optional<Failure>> BeastConnection::handshake(const ConnectRequest& request,
                                                             Clock::time_point deadline) {
    const auto headers = request.headers;
    const std::string offer = join(request.subprotocols, ", ");
    std::string host = request.url.host_for_header();
    const bool default_port = request.url.port == (request.url.tls() ? 443 : 80);
    if (!default_port) {
        host += ":" + std::to_string(request.url.port);
    }
    const std::string target = request.url.target();

    websocket::response_type response;
    auto state = new_op();
    visit_ws([&](auto& ws) {
        websocket::permessage_deflate deflate;
        deflate.client_enable = request.permessage_deflate;
        ws.set_option(deflate);
        ws.set_option(
            websocket::stream_base::decorator([headers, offer](websocket::request_type& req) {
                req.set(http::field::user_agent, kUserAgent);
                if (!offer.empty()) {
                    req.set(http::field::sec_websocket_protocol, offer);
                }
                for (const auto& [name, value] : headers) {
                    req.set(name, value);
                }
            }));
        ws.async_handshake(response, host, target, completion(state));
    });
    if (!co_await wait_until(state, deadline)) {
        co_await cancel_and_drain(state);
        co_return make_failure(FailureKind::timeout, Phase::upgrade,
                               "WebSocket upgrade did not complete before the upgrade deadline");
    }
    const error_code ec = state->ec;
    if (!ec) {
        const auto extensions = response[http::field::sec_websocket_extensions];
        if (!request.permessage_deflate && !extensions.empty()) {
            // RFC 6455 §9.1: a client must fail the connection when the server selects an
            // extension it did not offer (Beast would ignore it and then reject RSV1 frames).
            Failure failure =
                make_failure(FailureKind::closed, Phase::upgrade,
                             "invalid upgrade response: the server selected the extension '" +
                                 std::string(extensions) + "' that the client did not offer");
            failure.close_code = 1006;
            failure.close_reason = "unrequested extension";
            co_return failure;
        }
        subprotocol_ = std::string(response[http::field::sec_websocket_protocol]);
        co_return std::nullopt;
    }
    const int status = static_cast<int>(response.result_int());
    // Only a declined upgrade means a complete HTTP response with a meaningful status arrived.
    if (ec == websocket::error::upgrade_declined && status != 101) {
        const bool auth = status == 401 || status == 403;
        Failure failure = make_failure(auth ? FailureKind::auth_rejected : FailureKind::http_status,
                                       Phase::upgrade,
                                       "upgrade answered with HTTP " + std::to_string(status) +
                                           " " + std::string(response.reason()));
        failure.http_status = status;
        // Redacted before it is cut: a secret across the cut would otherwise survive in part.
        failure.body_excerpt = Redactor(secrets_).excerpt(response.body(), kBodyExcerpt);
        co_return failure;
    }
    if (request.url.tls() && !client_certificate_reason(ec, sent_client_certificate_).empty()) {
        co_return classify_tls_error(ec);
    }
    std::string detail = is_connection_loss(ec)
                             ? "connection lost during the upgrade: " + ec.message()
                             : "invalid upgrade response: " + ec.message();
    if (!request.url.tls() && server_may_speak_tls(ec)) {
        detail += "; the server may speak TLS: try wss://";
    }
    Failure failure = make_failure(FailureKind::closed, Phase::upgrade, std::move(detail));
    failure.close_code = 1006;
    failure.close_reason = ec.message();
    co_return failure;
}

awaitable<std::optional<Failure>> BeastConnection::send_text(std::string text) {
    if (!open_ || !ws_open()) {
        Failure failure = make_failure(FailureKind::closed, Phase::completion,
                                       "cannot send: the connection is not open");
        failure.close_code = closed_ ? closed_->code : 1006;
        failure.close_reason = closed_ ? closed_->reason : "not connected";
        failure.detail = redacted(failure.detail);
        co_return failure;
    }
    auto state = new_op();
    visit_ws([&](auto& ws) {
        ws.text(true);
        ws.async_write(net::buffer(text), completion(state));
    });
    if (!co_await wait_until(state, Clock::now() + kWriteTimeout)) {
        co_await cancel_and_drain(state);
        state->ec = net::error::timed_out;
    }
    if (!state->ec) {
        co_return std::nullopt;
    }
    open_ = false;
    closed_ = CloseInfo{1006, state->ec.message()};
    Failure failure = make_failure(FailureKind::closed, Phase::completion,
                                   "write failed: " + state->ec.message());
    failure.close_code = 1006;
    failure.close_reason = state->ec.message();
    failure.detail = redacted(failure.detail);
    co_return failure;
}

ReceivedFrame BeastConnection::take_frame() {
    ReceivedFrame frame;
    frame.text = beast::buffers_to_string(buffer_.data());
    frame.binary = !got_text();
    frame.arrival = Clock::now();
    buffer_.consume(buffer_.size());
    if (buffer_.capacity() > kKeptReadBuffer) {
        buffer_.shrink_to_fit();  // a 16 MB message must not stay resident as an empty buffer
    }
    return frame;
}

awaitable<ReceiveResult> BeastConnection::receive(Clock::time_point deadline) {
    ReceiveResult result;
    if (closed_ || !ws_ || (!pending_read_ && !ws_open())) {
        result.status = ReceiveResult::Status::closed;
        result.close = closed_ ? *closed_ : CloseInfo{1006, "not connected"};
        co_return result;
    }
    const auto report_invalid_close = [&] {
        closed_ = CloseInfo{invalid_close_->close_code, invalid_close_->close_reason};
        open_ = false;
        result.status = ReceiveResult::Status::error;
        result.failure = *invalid_close_;
    };
    if (invalid_close_due() && !(pending_read_ && pending_read_->done)) {
        report_invalid_close();
        co_return result;
    }
    if (server_close_ && !(pending_read_ && pending_read_->done)) {
        closed_ = server_close_;
        open_ = false;
        result.status = ReceiveResult::Status::closed;
        result.close = *closed_;
        co_return result;
    }
    if (Clock::now() >= deadline && !(pending_read_ && pending_read_->done)) {
        // Without this a server that sends faster than the caller consumes would keep every
        // receive() returning frames, and the caller's deadline would never come.
        result.status = ReceiveResult::Status::timeout;
        co_return result;
    }
    if (!pending_read_) {
        pending_read_ = start_read();
    }
    if (!co_await wait_until(pending_read_, deadline)) {
        if (invalid_close_due()) {
            report_invalid_close();  // Beast's closing handshake goes on like below
            co_return result;
        }
        if (server_close_) {
            // The closing handshake goes on without the caller; close() or the destructor ends
            // what is left of it.
            closed_ = server_close_;
            open_ = false;
            result.status = ReceiveResult::Status::closed;
            result.close = *closed_;
            co_return result;
        }
        // The read stays pending; the next receive() continues it, so no frame is lost.
        result.status = ReceiveResult::Status::timeout;
        co_return result;
    }
    const auto state = std::move(pending_read_);
    pending_read_.reset();
    if (!state->ec) {
        result.status = ReceiveResult::Status::frame;
        result.frame = take_frame();
        ++frames_delivered_;
        co_return result;
    }
    // A close frame may have arrived even when the reply could not be written (the server
    // already dropped the TCP connection): report the server's code then, not 1006.
    if (invalid_close_) {
        report_invalid_close();
        co_return result;
    }
    const auto reason = close_reason();
    if (state->ec == websocket::error::closed || reason.code != 0) {
        closed_ = CloseInfo{reason.code == 0 ? 1005 : static_cast<int>(reason.code),
                            redacted(std::string(reason.reason.c_str()))};
    } else if (failed_connection_code(state->ec) != 0 || is_inflate_error(state->ec) ||
               state->ec == beast::error::timeout) {
        result.failure = classify_read_error(state->ec);
        closed_ = CloseInfo{result.failure.close_code, result.failure.close_reason};
        open_ = false;
        result.status = ReceiveResult::Status::error;
        co_return result;
    } else {
        closed_ = CloseInfo{1006, redacted(state->ec.message())};
    }
    open_ = false;
    result.status = ReceiveResult::Status::closed;
    result.close = *closed_;
    co_return result;
}

// The close frame goes out below Beast's write lock (see close()), so no keepalive ping may be
// written at the same time: the idle timer is disarmed (a timer that fires with idle_timeout none
// does nothing) and a ping already started is let finish.
awaitable<void> BeastConnection::stop_keepalive() {
    visit_ws([this](auto& ws) {
        websocket::stream_base::timeout timeout{};
        timeout.handshake_timeout = closing_timeout_;
        timeout.idle_timeout = websocket::stream_base::none();
        timeout.keep_alive_pings = false;
        ws.set_option(timeout);
    });
    co_await net::post(executor_, use_awaitable);
}

// What the server did wrong at the WebSocket layer, named with Beast's reason: a frame the client
// had to reject (malformed_frame, indexed like the frames receive() returned) or, with
// keepalive, silence after a ping (stalled).
Failure BeastConnection::classify_read_error(const error_code& ec) {
    if (ec == beast::error::timeout) {
        const auto idle = 2 * keepalive_.value_or(Milliseconds{0});
        Failure failure =
            make_failure(FailureKind::stalled, Phase::completion,
                         "keepalive: no pong nor any other frame within " +
                             std::to_string(idle.count()) + " ms (a ping was sent after " +
                             std::to_string(idle.count() / 2) + " ms of silence)");
        failure.waited_ms = static_cast<double>(idle.count());
        failure.close_code = 1006;
        failure.close_reason = "keepalive timeout";
        return failure;
    }
    Failure failure = make_failure(FailureKind::malformed_frame, Phase::completion, {});
    failure.frame_index = frames_delivered_;
    failure.close_reason = ec.message();
    if (is_inflate_error(ec)) {
        failure.close_code = 1006;
        failure.detail = "permessage-deflate data does not inflate (" + ec.message() +
                         "); the connection was dropped";
        return failure;
    }
    failure.close_code = failed_connection_code(ec);
    const std::string beast_reason =
        "Beast: " + std::string(websocket_error_name(ec)) + ", " + ec.message();
    if (failure.close_code == 1009) {
        failure.detail = "the server's message is larger than max_message_bytes = " +
                         std::to_string(max_message_bytes_) + " bytes (" + beast_reason +
                         "); the client closed with 1009";
    } else {
        failure.detail = "WebSocket protocol violation by the server (" + beast_reason +
                         "); the client closed with " + std::to_string(failure.close_code);
    }
    return failure;
}

awaitable<std::vector<ReceivedFrame>> BeastConnection::close(int code, std::string reason,
                                                             Clock::time_point deadline) {
    std::vector<ReceivedFrame> drained;
    std::size_t drained_bytes = 0;
    if (!ws_) {
        co_return drained;
    }
    if (ws_open() && !closed_) {
        // Beast's async_close would read and discard the data frames that are still on their way
        // (the server sent them before it saw our close). So the close frame is written on the
        // layer below the WebSocket (TCP, or TLS for wss://) while our own read loop stays
        // active: it returns every data frame, and ends with websocket::error::closed when the
        // server's close frame arrives (Beast then answers it and tears the connection down).
        if (keepalive_) {
            co_await stop_keepalive();
        }
        const std::string frame = client_close_frame(code, reason);
        auto write_state = new_op();
        visit_ws([&](auto& ws) {
            net::async_write(ws.next_layer(), net::buffer(frame), completion(write_state));
        });
        // Our close frame is written to completion before a read starts: a read that completes
        // at once with the server's close frame makes Beast answer it, and a second write while
        // ours is in flight trips Beast's one-write-at-a-time assertion. (A read left pending by
        // an earlier receive() is safe: our write's completion is queued before any read
        // completion the scheduler finds afterwards.)
        co_await wait_until(write_state, deadline);
        if (!pending_read_ && write_state->done && !write_state->ec) {
            pending_read_ = start_read();
        }
        // The deadline is checked here too: a flooding server always has the next frame ready.
        while (pending_read_ && Clock::now() < deadline &&
               co_await wait_until(pending_read_, deadline)) {
            const auto state = std::move(pending_read_);
            pending_read_.reset();
            if (state->ec) {
                const auto server_reason = close_reason();
                if (server_reason.code != 0) {
                    closed_ = CloseInfo{static_cast<int>(server_reason.code),
                                        redacted(std::string(server_reason.reason.c_str()))};
                }
                break;
            }
            ReceivedFrame late = take_frame();
            if (drained.size() < kMaxDrainedFrames &&
                drained_bytes + late.text.size() <= kMaxDrainedBytes) {
                drained_bytes += late.text.size();
                drained.push_back(std::move(late));
            }
            pending_read_ = start_read();
        }
        if (!closed_ && server_close_) {
            closed_ = server_close_;  // its close frame woke the read before Beast's teardown
        }
        if (pending_read_) {
            co_await cancel_and_drain(pending_read_);
        }
        if (!write_state->done) {
            co_await cancel_and_drain(write_state);
        }
    } else if (pending_read_ && !pending_read_->done) {
        // The connection ended while a read was pending; it completes once the socket is shut.
        close_socket();
        co_await wait_until(pending_read_, Clock::now() + kSettleLimit);
    }
    open_ = false;
    pending_read_.reset();
    discard_stream();
    if (!closed_) {
        closed_ = CloseInfo{code, reason};
    }
    co_return drained;
}

namespace {

// A BeastConnection as the journey's port. Its destructor closes a connection still open on
// the connection's executor, without waiting (1001, going away).
class BeastPort final : public detail::ClientPort {
  public:
    BeastPort(const net::any_io_executor& executor, std::shared_ptr<HostResolver> resolver)
        : connection_(std::make_shared<BeastConnection>(executor, std::move(resolver))) {}
    ~BeastPort() override {
        if (!connection_->needs_close()) {
            return;
        }
        try {
            net::co_spawn(
                connection_->executor(),
                [connection = connection_]() -> awaitable<void> {
                    co_await connection->close(1001, "going away",
                                               Clock::now() + kDestructorCloseTimeout);
                },
                net::detached);
        } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor never throws
        }
    }
    BeastPort(const BeastPort&) = delete;
    BeastPort& operator=(const BeastPort&) = delete;

    awaitable<std::optional<Failure>> connect(ConnectRequest request) override {
        return connection_->connect(std::move(request));
    }
    awaitable<std::optional<Failure>> send_text(std::string text) override {
        return connection_->send_text(std::move(text));
    }
    awaitable<ReceiveResult> receive(Clock::time_point deadline) override {
        return connection_->receive(deadline);
    }
    awaitable<std::vector<ReceivedFrame>> close(int code, std::string reason,
                                                Clock::time_point deadline) override {
        return connection_->close(code, std::move(reason), deadline);
    }
    std::string selected_subprotocol() const override {
        return connection_->selected_subprotocol();
    }
    bool tls_verification_skipped() const override {
        return connection_->tls_verification_skipped();
    }

  private:
    std::shared_ptr<BeastConnection> connection_;
};

}  // namespace

namespace detail {

void validate_connect_request(const ConnectRequest& request) {
    if (request.keepalive && request.keepalive->count() <= 0) {
        throw ConfigError("goldenpath.config", "/keepalive",
                          "must be a positive number of milliseconds",
                          std::to_string(request.keepalive->count()) + " ms");
    }
    if (request.proxy && (request.proxy->scheme != "http" || request.proxy->host.empty() ||
                          request.proxy->port == 0)) {
        throw ConfigError("goldenpath.config", "/proxy", "must be an http://host:port proxy URL",
                          request.proxy->to_string());
    }
}

std::unique_ptr<ClientPort> beast_port(const net::any_io_executor& executor,
                                       std::shared_ptr<HostResolver> resolver) {
    return std::make_unique<BeastPort>(executor, std::move(resolver));
}

}  // namespace detail

// The blocking facade: the connection on a private io_context that runs only inside calls.
class BeastClient::Impl {
  public:
    explicit Impl(std::shared_ptr<HostResolver> resolver)
        : connection_(
              std::make_shared<BeastConnection>(context_.get_executor(), std::move(resolver))) {}
    ~Impl() {
        try {
            close(1001, "going away", Clock::now() + kDestructorCloseTimeout);
        } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor never throws
        }
    }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    std::optional<Failure> connect(const ConnectRequest& request) {
        detail::validate_connect_request(request);
        return detail::run_to_completion(context_, connection_->connect(request));
    }
    std::optional<Failure> send_text(std::string_view text) {
        return detail::run_to_completion(context_, connection_->send_text(std::string(text)));
    }
    ReceiveResult receive(Clock::time_point deadline) {
        ReceiveResult result = detail::run_to_completion(context_, connection_->receive(deadline));
        if (result.status == ReceiveResult::Status::closed) {
            // receive() returns as the server's close frame arrives; Beast answers it right after.
            // With no thread of its own, the blocking client sends that answer now (the server
            // then sees its own code echoed), without waiting for the server's FIN.
            context_.restart();
            for (int round = 0; round < 8 && context_.poll() > 0; ++round) {
            }
        }
        return result;
    }
    std::vector<ReceivedFrame> close(int code, std::string_view reason,
                                     Clock::time_point deadline) {
        return detail::run_to_completion(context_,
                                         connection_->close(code, std::string(reason), deadline));
    }
    std::string selected_subprotocol() const { return connection_->selected_subprotocol(); }
    bool tls_verification_skipped() const { return connection_->tls_verification_skipped(); }

  private:
    // Declared first so that it is destroyed last: queued handlers hold the connection.
    net::io_context context_{1};
    std::shared_ptr<BeastConnection> connection_;
};

BeastClient::BeastClient(std::shared_ptr<HostResolver> resolver)
    : impl_(std::make_unique<Impl>(std::move(resolver))) {}

BeastClient::~BeastClient() = default;

std::optional<Failure> BeastClient::connect(const ConnectRequest& request) {
    return impl_->connect(request);
}

std::optional<Failure> BeastClient::send_text(std::string_view text) {
    return impl_->send_text(text);
}

ReceiveResult BeastClient::receive(Clock::time_point deadline) {
    return impl_->receive(deadline);
}

std::vector<ReceivedFrame> BeastClient::close(int code, std::string_view reason,
                                              Clock::time_point deadline) {
    return impl_->close(code, reason, deadline);
}

std::string BeastClient::selected_subprotocol() const {
    return impl_->selected_subprotocol();
}

bool BeastClient::tls_verification_skipped() const {
    return impl_->tls_verification_skipped();
}

}  // namespace goldenpath
