#include "client_stream_open.hpp"

#include <boost/asio/ip/tcp.hpp>

namespace goldenpath::detail {

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
