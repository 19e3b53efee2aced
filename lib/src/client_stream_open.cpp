#include "client_stream_open.hpp"

#include <boost/asio/ip/tcp.hpp>

#include "client_user_agent.hpp"
#include "proxy_tunnel.hpp"
#include "text_helpers.hpp"

namespace goldenpath::detail {

namespace {

// Connects `stream` to the first of `endpoints` that accepts. At `deadline` the stream's expiry
// closes the socket and the connect completes with beast::error::timeout. Small writes go out at
// once (no Nagle delay against delayed ACKs).
boost::asio::awaitable<BoxedFailure> connect_tcp_stream(
    boost::beast::tcp_stream& stream, std::vector<boost::asio::ip::tcp::endpoint> endpoints,
    Clock::time_point deadline) {
    stream.expires_at(deadline);
    boost::beast::error_code ec;
    co_await stream.async_connect(endpoints,
                                  boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    stream.expires_never();
    if (!ec) {
        boost::beast::error_code ignored;
        stream.socket().set_option(boost::asio::ip::tcp::no_delay(true), ignored);
        co_return std::nullopt;
    }
    if (ec == boost::beast::error::timeout) {
        co_return Failure::of(FailureKind::timeout, Phase::connect,
                              "TCP connect did not complete before the connect deadline");
    }
    if (ec == boost::asio::error::timed_out) {
        co_return Failure::of(FailureKind::timeout, Phase::connect, ec.message());
    }
    // Refused, unreachable and the like: nothing accepted the connection.
    co_return Failure::of(FailureKind::refused, Phase::connect, ec.message());
}

// The client's TLS handshake on `tls`, whose lowest layer is `tcp`: the peer's name for SNI and
// verification, then the handshake until `deadline`.
boost::asio::awaitable<BoxedFailure> client_tls_handshake(
    boost::beast::ssl_stream<boost::beast::tcp_stream>& tls, boost::beast::tcp_stream& tcp,
    std::string host, bool verifying, bool sent_client_certificate, Clock::time_point deadline) {
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

}  // namespace

std::variant<std::vector<boost::asio::ip::tcp::endpoint>, UnresolvedHop> first_hop_endpoints(
    const Url& first_hop, HostResolver& resolver, const std::string& hop_prefix) {
    std::vector<std::string> addresses;
    boost::system::error_code literal_ec;
    boost::asio::ip::make_address(first_hop.host, literal_ec);
    if (!literal_ec) {
        addresses.push_back(first_hop.host);
    } else {
        auto resolved = resolver.resolve(first_hop.host);
        if (auto* error = std::get_if<ResolveError>(&resolved)) {
            return UnresolvedHop{hop_prefix + error->message};
        }
        addresses = std::get<std::vector<std::string>>(std::move(resolved));
    }
    std::vector<boost::asio::ip::tcp::endpoint> endpoints;
    for (const auto& address : addresses) {
        boost::system::error_code ec;
        const auto parsed = boost::asio::ip::make_address(address, ec);
        if (!ec) {
            endpoints.emplace_back(parsed, first_hop.port);
        }
    }
    if (endpoints.empty()) {
        return UnresolvedHop{hop_prefix + "resolver returned no usable address for '" +
                             first_hop.host + "': " + join(addresses, ", ")};
    }
    return endpoints;
}

boost::asio::awaitable<BoxedFailure> open_client_stream(
    boost::beast::tcp_stream& tcp, std::vector<boost::asio::ip::tcp::endpoint> endpoints,
    const ConnectRequest& request, const std::string& proxy, const std::string& hop_prefix,
    std::optional<ClientTlsHandshake> tls, Clock::time_point connect_deadline) {
    if (auto failure = co_await connect_tcp_stream(tcp, std::move(endpoints), connect_deadline)) {
        failure->detail = hop_prefix + failure->detail;
        co_return failure;
    }
    if (request.proxy) {
        if (auto failure = co_await open_proxy_tunnel(tcp, request.url, proxy, client_user_agent(),
                                                      connect_deadline)) {
            co_return failure;
        }
    }
    if (tls) {
        co_return co_await client_tls_handshake(*tls->stream, tcp, request.url.host, tls->verifying,
                                                tls->sent_client_certificate,
                                                Clock::now() + request.timeouts.tls);
    }
    co_return std::nullopt;
}

}  // namespace goldenpath::detail
