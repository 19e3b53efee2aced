// Opening an SseConnection: resolve, TCP connect, proxy tunnel and TLS handshake, with the same
// deadlines, helpers and failure kinds as the WebSocket connection (beast_connection_open.cpp).
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "client_port.hpp"
#include "client_stream_open.hpp"
#include "client_tls_context.hpp"
#include "connection_failure.hpp"
#include "goldenpath/redactor.hpp"
#include "sse_connection.hpp"

namespace goldenpath::detail {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using error_code = beast::error_code;
using net::awaitable;
using net::use_awaitable;

}  // namespace

SseConnection::SseConnection(net::any_io_executor executor, std::shared_ptr<HostResolver> resolver)
    : executor_(std::move(executor)),
      resolver_(resolver ? std::move(resolver) : system_resolver()) {}

beast::tcp_stream& SseConnection::tcp_stream() {
    return std::visit(
        [](auto& stream) -> beast::tcp_stream& { return beast::get_lowest_layer(stream); },
        *stream_);
}

void SseConnection::close_socket() {
    if (!stream_) {
        return;
    }
    error_code ignored;
    auto& socket = tcp_stream().socket();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

Failure SseConnection::make_failure(FailureKind kind, Phase phase, std::string detail) const {
    return Failure::of(kind, phase, std::move(detail)).on(url_);
}

std::string SseConnection::redacted(std::string text) const {
    if (!request_) {
        return text;
    }
    return Redactor(request_->secrets).redact(std::move(text));
}

Failure SseConnection::finish(Failure failure, Clock::time_point started,
                              bool record_attempt) const {
    return finish_connection_failure(std::move(failure), started,
                                     request_ ? Redactor(request_->secrets) : Redactor(),
                                     verification_skipped_, record_attempt);
}

awaitable<BoxedFailure> SseConnection::connect(const ConnectRequest& request) {
    validate_connect_request(request);
    close_socket();
    if (pending_read_) {
        co_await wait_until(pending_read_, Clock::now() + Milliseconds{200});
    }
    const auto started = Clock::now();
    request_ = request;
    url_ = request_->url.to_string();
    proxy_ = request_->proxy ? request_->proxy->to_string() : std::string();
    pending_read_.reset();
    parser_.reset();
    events_parser_.reset();
    parsed_.clear();
    ready_.clear();
    buffer_.clear();
    open_ = false;
    streaming_ = false;
    closed_.reset();
    frames_delivered_ = 0;
    stream_.reset();  // before its TLS context
    tls_context_.reset();
    verifying_ = request_->url.tls() && !request_->insecure_skip_verify;
    verification_skipped_ = request_->url.tls() && request_->insecure_skip_verify;
    sent_client_certificate_ = false;
    auto failure = co_await open(*request_);
    if (failure) {
        close_socket();
        co_return finish(std::move(*failure), started, true);
    }
    open_ = true;
    co_return std::nullopt;
}

awaitable<BoxedFailure> SseConnection::open(const ConnectRequest& request) {
    // A bad CA or client certificate file needs no network to be found.
    if (request.url.tls()) {
        tls_context_.emplace(ssl::context::tls_client);
        sent_client_certificate_ = request.client_certificate_file.has_value();
        if (auto problem = configure_client_tls_context(*tls_context_, request)) {
            Failure failure =
                make_failure(FailureKind::tls, Phase::tls, std::move(problem->detail));
            failure.tls_reason = std::move(problem->reason);
            co_return failure;
        }
    }
    const auto connect_deadline = Clock::now() + request.timeouts.connect;
    // Through a proxy only the proxy's host is resolved here: the proxy resolves the target's.
    const Url& first_hop = request.proxy ? *request.proxy : request.url;
    const std::string hop_prefix = proxy_.empty() ? std::string() : "proxy " + proxy_ + ": ";

    auto hop = first_hop_endpoints(first_hop, *resolver_, hop_prefix);
    if (auto* unresolved = std::get_if<UnresolvedHop>(&hop)) {
        co_return make_failure(FailureKind::dns, Phase::connect, std::move(unresolved->detail));
    }
    auto endpoints = std::get<std::vector<tcp::endpoint>>(std::move(hop));

    std::optional<ClientTlsHandshake> tls;
    if (tls_context_) {
        stream_.emplace(std::in_place_type<TlsStream>, executor_, *tls_context_);
        tls = ClientTlsHandshake{&std::get<TlsStream>(*stream_), verifying_,
                                 sent_client_certificate_};
    } else {
        stream_.emplace(std::in_place_type<PlainStream>, executor_);
    }
    if (auto failure = co_await open_client_stream(tcp_stream(), std::move(endpoints), request,
                                                   proxy_, hop_prefix, tls, connect_deadline)) {
        co_return std::move(*failure).on(url_);
    }
    co_return std::nullopt;
}

}  // namespace goldenpath::detail
