// The steps that open a client's stream, shared by the WebSocket connection (beast_connection_*)
// and the event-stream connection (sse_connection_*): the first hop's addresses, then the TCP
// connect, the proxy tunnel and the TLS handshake, each bounded by the TCP stream's own expiry.
// Their failures carry no URL: the caller adds its own (Failure::on). Internal (Boost).
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
#include <boost/beast/ssl/ssl_stream.hpp>

#include "boxed_failure.hpp"
#include "client_tls_context.hpp"
#include "goldenpath/clock.hpp"
#include "goldenpath/failure.hpp"
#include "goldenpath/host_resolver.hpp"
#include "goldenpath/url.hpp"
#include "goldenpath/websocket_client.hpp"
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

// The TLS side of open_client_stream: the stream to shake hands on and what its failure reports.
struct ClientTlsHandshake {
    boost::beast::ssl_stream<boost::beast::tcp_stream>* stream = nullptr;
    bool verifying = true;
    bool sent_client_certificate = false;
};

// What every client connection does once its stream exists, in order: the TCP connect to
// `endpoints` (that failure's detail begins with `hop_prefix`), the CONNECT tunnel to the request's
// target through `proxy` (the proxy's redacted URL) when the request names one, and the TLS
// handshake when `tls` is given. The connect and the tunnel share `connect_deadline`; the
// handshake has the request's tls timeout. The failure carries no URL.
boost::asio::awaitable<BoxedFailure> open_client_stream(
    boost::beast::tcp_stream& tcp, std::vector<boost::asio::ip::tcp::endpoint> endpoints,
    const ConnectRequest& request, const std::string& proxy, const std::string& hop_prefix,
    std::optional<ClientTlsHandshake> tls, Clock::time_point connect_deadline);

}  // namespace goldenpath::detail
