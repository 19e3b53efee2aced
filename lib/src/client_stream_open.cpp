#include "client_stream_open.hpp"

#include "text_helpers.hpp"

#include <boost/asio/ip/tcp.hpp>

namespace goldenpath::detail {

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

boost::asio::awaitable<std::optional<Failure>> connect_tcp_stream(
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

}  // namespace goldenpath::detail
