#include "proxy_tunnel.hpp"

#include <utility>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "read_failure_mapping.hpp"

namespace goldenpath::detail {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using error_code = beast::error_code;

Failure tunnel_failure(FailureKind kind, std::string detail) {
    Failure failure;
    failure.kind = kind;
    failure.phase = Phase::connect;
    failure.detail = std::move(detail);
    return failure;
}

// The tunnel never opened: the proxy dropped the connection or spoke no HTTP.
Failure proxy_closed(std::string reason, std::string detail) {
    Failure failure = tunnel_failure(FailureKind::closed, std::move(detail));
    failure.close_code = 1006;
    failure.close_reason = std::move(reason);
    return failure;
}

}  // namespace

net::awaitable<BoxedFailure> open_proxy_tunnel(beast::tcp_stream& stream, const Url& target,
                                               const std::string& proxy,
                                               std::string_view user_agent,
                                               Clock::time_point deadline) {
    const std::string authority = target.host_for_header() + ":" + std::to_string(target.port);
    const auto timed_out = [&] {
        return tunnel_failure(FailureKind::timeout, "proxy " + proxy + " did not answer CONNECT " +
                                                        authority + " before the connect deadline");
    };
    http::request<http::empty_body> connect_request{http::verb::connect, authority, 11};
    connect_request.set(http::field::host, authority);
    connect_request.set(http::field::user_agent, user_agent);
    stream.expires_at(deadline);
    error_code ec;
    co_await http::async_write(stream, connect_request,
                               net::redirect_error(net::use_awaitable, ec));
    if (ec == beast::error::timeout) {
        co_return timed_out();
    }
    if (ec) {
        co_return proxy_closed("proxy closed the connection",
                               "proxy " + proxy + " closed the connection before CONNECT " +
                                   authority + " was sent (" + ec.message() + ")");
    }

    beast::flat_buffer buffer;
    http::response_parser<http::empty_body> parser;
    parser.skip(true);  // a 2xx answer to CONNECT has no body; other answers end the attempt
    co_await http::async_read_header(stream, buffer, parser,
                                     net::redirect_error(net::use_awaitable, ec));
    stream.expires_never();
    if (ec == beast::error::timeout) {
        co_return timed_out();
    }
    if (ec) {
        if (is_connection_loss(ec)) {
            co_return proxy_closed("proxy closed the connection",
                                   "proxy " + proxy +
                                       " closed the connection before it answered CONNECT " +
                                       authority + " (" + ec.message() + ")");
        }
        co_return proxy_closed("invalid proxy answer", "proxy " + proxy +
                                                           " sent an invalid answer to CONNECT " +
                                                           authority + " (" + ec.message() + ")");
    }
    const auto& response = parser.get();
    const int status = static_cast<int>(response.result_int());
    if (status < 200 || status > 299) {
        std::string reason(response.reason());
        if (reason.empty()) {
            reason = std::string(http::obsolete_reason(response.result()));
        }
        Failure failure =
            tunnel_failure(FailureKind::http_status, "proxy " + proxy + " answered CONNECT with " +
                                                         std::to_string(status) + " " + reason);
        failure.http_status = status;
        co_return failure;
    }
    if (buffer.size() != 0) {
        // The target speaks only after we do (TLS ClientHello or the upgrade request), so bytes
        // here came from the proxy and would corrupt the stream.
        co_return proxy_closed("invalid proxy answer",
                               "proxy " + proxy + " sent " + std::to_string(buffer.size()) +
                                   " unexpected bytes after its 2xx answer to CONNECT " +
                                   authority);
    }
    co_return std::nullopt;
}

}  // namespace goldenpath::detail
