// Opening a BeastConnection: resolve, TCP connect, proxy tunnel, TLS handshake, WebSocket upgrade,
// and the Failure each step's error becomes.
#include <algorithm>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/ssl.hpp>  // teardown (TLS shutdown) of a websocket over TLS

#include "beast_connection.hpp"
#include "client_port.hpp"
#include "client_stream_open.hpp"
#include "client_tls_context.hpp"
#include "connection_failure.hpp"
#include "goldenpath/redactor.hpp"
#include "goldenpath/secret.hpp"
#include "goldenpath/version.hpp"
#include "openssl_errors.hpp"
#include "read_failure_mapping.hpp"
#include "text_helpers.hpp"

namespace goldenpath::detail {
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
// The most a client masks a message in (Beast's write_buffer_bytes, 4 KB by default), kept for
// the connection's life: a start message is a few hundred bytes, and a longer one is masked and
// written in pieces, still as one frame (auto_fragment off: Beast would otherwise cut it into
// frames of this size, which a server that reads only whole frames would not understand).
constexpr std::size_t kWriteBufferBytes = 512;
// Beast's smallest write buffer.
constexpr std::size_t kMinWriteBufferBytes = 8;
// What a compressed message may take beyond its own size (deflate's block headers and flush).
constexpr std::size_t kDeflateSlack = 64;

}  // namespace

// The buffer is kept for the connection's life, and a journey sends one short message: a buffer
// of the message's size (with room for deflate to grow it) instead of 512 bytes for every user.
std::size_t BeastConnection::write_buffer_for(std::size_t message_bytes) {
    return std::clamp(message_bytes + kDeflateSlack, kMinWriteBufferBytes, kWriteBufferBytes);
}

const std::string& client_user_agent() {
    static const std::string user_agent = "goldenpath/" + std::string(version_string);
    return user_agent;
}

BeastConnection::BeastConnection(net::any_io_executor executor,
                                 std::shared_ptr<HostResolver> resolver)
    : executor_(std::move(executor)),
      resolver_(resolver ? std::move(resolver) : system_resolver()) {}

Failure BeastConnection::make_failure(FailureKind kind, Phase phase, std::string detail) const {
    return Failure::of(kind, phase, std::move(detail)).on(url_);
}

Failure BeastConnection::tls_failure(std::string reason, std::string detail) const {
    Failure failure = make_failure(FailureKind::tls, Phase::tls, std::move(detail));
    failure.tls_reason = std::move(reason);
    return failure;
}

std::string BeastConnection::redacted(std::string text) const {
    for (const auto& secret : secrets_) {
        if (!secret.empty()) {
            text = redact(std::move(text), secret);
        }
    }
    return text;
}

Failure BeastConnection::finish(Failure failure, Clock::time_point started) const {
    return finish_connection_failure(std::move(failure), started, Redactor(secrets_),
                                     verification_skipped_, true);
}

void BeastConnection::reset_for(const ConnectRequest& request) {
    secrets_ = request.secrets;
    url_ = request.url.to_string();
    subprotocol_.clear();
    closed_.reset();
    server_close_.reset();
    invalid_close_ = std::nullopt;
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
    sent_client_certificate_ = false;
    proxy_.clear();
    if (request.proxy) {
        proxy_ = request.proxy->to_string();
    }
}

awaitable<BoxedFailure> BeastConnection::connect(const ConnectRequest& request) {
    validate_connect_request(request);
    if (needs_close()) {
        co_await close(1000, "reconnect", Clock::now() + kBackgroundCloseTimeout);
    }
    const auto started = Clock::now();
    reset_for(request);

    // A bad CA or client certificate file needs no network to be found.
    if (request.url.tls()) {
        tls_context_.emplace(ssl::context::tls_client);
        sent_client_certificate_ = request.client_certificate_file.has_value();
        if (auto problem = configure_client_tls_context(*tls_context_, request)) {
            co_return finish(tls_failure(std::move(problem->reason), std::move(problem->detail)),
                             started);
        }
    }

    // The connect deadline starts after the local set-up: loading the system CA store is no time
    // the server took (it takes over 300 ms under ThreadSanitizer).
    const auto connect_deadline = Clock::now() + request.timeouts.connect;

    // Through a proxy only the proxy's host is resolved here: the proxy resolves the target's.
    const Url& first_hop = request.proxy ? *request.proxy : request.url;
    const std::string hop_prefix = proxy_.empty() ? std::string() : "proxy " + proxy_ + ": ";

    // Addresses: IP literals go straight to connect; names go through the injected resolver.
    auto hop = first_hop_endpoints(first_hop, *resolver_, hop_prefix);
    if (auto* unresolved = std::get_if<UnresolvedHop>(&hop)) {
        co_return finish(
            make_failure(FailureKind::dns, Phase::connect, std::move(unresolved->detail)), started);
    }
    auto endpoints = std::get<std::vector<tcp::endpoint>>(std::move(hop));

    std::optional<ClientTlsHandshake> tls;
    if (tls_context_) {
        ws_.emplace(std::in_place_type<TlsStream>, executor_, *tls_context_);
        tls = ClientTlsHandshake{&std::get<TlsStream>(*ws_).next_layer().next_layer(), verifying_,
                                 sent_client_certificate_};
    } else {
        ws_.emplace(std::in_place_type<PlainStream>, executor_);
    }
    if (auto failure = co_await open_client_stream(tcp_stream(), std::move(endpoints), request,
                                                   proxy_, hop_prefix, tls, connect_deadline)) {
        discard_stream();
        co_return finish(std::move(*failure).on(url_), started);
    }
    if (auto failure = co_await handshake(request, Clock::now() + request.timeouts.upgrade)) {
        discard_stream();
        co_return finish(std::move(*failure), started);
    }
    configure_open_stream(request);
    open_ = true;
    co_return std::nullopt;
}

Failure BeastConnection::classify_tls_error(const error_code& ec) {
    SSL* const native = std::get<TlsStream>(*ws_).next_layer().next_layer().native_handle();
    auto problem = tls_handshake_problem(native, ec, verifying_, sent_client_certificate_);
    return tls_failure(std::move(problem.reason), std::move(problem.detail));
}

awaitable<BoxedFailure> BeastConnection::handshake(const ConnectRequest& request,
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
                req.set(http::field::user_agent, client_user_agent());
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
    co_return upgrade_outcome(request, state->ec, response);
}

// What the upgrade's answer means, outside handshake's frame: its Failures would take 400 bytes
// each of every connecting user's frame.
std::optional<Failure> BeastConnection::upgrade_outcome(const ConnectRequest& request,
                                                        const error_code& ec,
                                                        const websocket::response_type& response) {
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
            return failure;
        }
        subprotocol_ = std::string(response[http::field::sec_websocket_protocol]);
        return std::nullopt;
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
        return failure;
    }
    if (request.url.tls() && !client_certificate_reason(ec, sent_client_certificate_).empty()) {
        return classify_tls_error(ec);
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
    return failure;
}

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
        ws.auto_fragment(false);
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

}  // namespace goldenpath::detail
