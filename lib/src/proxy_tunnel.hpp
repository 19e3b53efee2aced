// The HTTP CONNECT tunnel through a proxy (RFC 9110 §9.3.6), on the client's TCP stream before
// TLS and the upgrade. Internal (Boost).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "boxed_failure.hpp"
#include "goldenpath/clock.hpp"
#include "goldenpath/failure.hpp"
#include "goldenpath/url.hpp"

namespace goldenpath::detail {

// Asks the proxy `proxy` ("http://host:port"), connected on `stream`, for a tunnel to `target`
// and reads its answer's header only: after a 2xx the stream is the tunnel; any other answer, a
// dropped connection or `deadline` (the stream's own expiry) is the Failure returned (phase
// connect, url unset). The stream's expiry is off again when the tunnel is open.
boost::asio::awaitable<BoxedFailure> open_proxy_tunnel(boost::beast::tcp_stream& stream,
                                                       const Url& target, const std::string& proxy,
                                                       std::string_view user_agent,
                                                       Clock::time_point deadline);

}  // namespace goldenpath::detail
