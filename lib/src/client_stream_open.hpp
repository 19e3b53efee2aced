// The steps that open a client's stream, shared by the WebSocket connection (beast_connection_*)
// and the event-stream connection (sse_connection_*): the TCP connect and the TLS handshake, each
// bounded by the TCP stream's own expiry. Their failures carry no URL: the caller adds its own
// (Failure::on). Internal (Boost).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "client_tls_context.hpp"
#include "goldenpath/clock.hpp"
#include "goldenpath/failure.hpp"
#include "goldenpath/host_resolver.hpp"
#include "goldenpath/url.hpp"
#include "openssl_errors.hpp"

namespace goldenpath::detail {

// What a first hop failed to resolve to: the detail of a dns failure in phase connect.
struct UnresolvedHop {
    std::string detail;
};

// The endpoints of the first hop (the proxy when there is one, else the target): an IP literal as
// it is, a name through `resolver`. A name that does not resolve, or resolves to nothing usable,
// is an UnresolvedHop whose detail starts with `hop_prefix`.
std::variant<std::vector<boost::asio::ip::tcp::endpoint>, UnresolvedHop> first_hop_endpoints(
    const Url& first_hop, HostResolver& resolver, const std::string& hop_prefix);

// Connects `stream` to the first of `endpoints` that accepts. At `deadline` the stream's expiry
// closes the socket and the connect completes with beast::error::timeout. Small writes go out at
// once (no Nagle delay against delayed ACKs).
boost::asio::awaitable<std::optional<Failure>> connect_tcp_stream(
    boost::beast::tcp_stream& stream, std::vector<boost::asio::ip::tcp::endpoint> endpoints,
    Clock::time_point deadline);

// The client's TLS handshake on `tls`, whose lowest layer is `tcp`: the peer's name for SNI and
// verification, then the handshake until `deadline`. SslStream is beast::ssl_stream or the asio
// ssl::stream inside a WebSocket stream.
template <class SslStream>
boost::asio::awaitable<std::optional<Failure>> client_tls_handshake(
    SslStream& tls, boost::beast::tcp_stream& tcp, std::string host, bool verifying,
    bool sent_client_certificate, Clock::time_point deadline) {
    const auto tls_failure = [](TlsProblem problem) {
        Failure failure = Failure::of(FailureKind::tls, Phase::tls, std::move(problem.detail));
        failure.tls_reason = std::move(problem.reason);
        return failure;
    };
    if (auto problem = set_tls_peer_host(tls.native_handle(), host, verifying)) {
        co_return tls_failure(std::move(*problem));
    }
    tcp.expires_at(deadline);
    boost::beast::error_code ec;
    co_await tls.async_handshake(boost::asio::ssl::stream_base::client,
                                 boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    tcp.expires_never();
    if (!ec) {
        co_return std::nullopt;
    }
    if (ec == boost::beast::error::timeout) {
        co_return Failure::of(FailureKind::timeout, Phase::tls,
                              "TLS handshake did not complete before the tls deadline");
    }
    co_return tls_failure(
        tls_handshake_problem(tls.native_handle(), ec, verifying, sent_client_certificate));
}

}  // namespace goldenpath::detail
