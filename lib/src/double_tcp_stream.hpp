// The TCP stream under the double's WebSocket sessions (double_session.hpp): a beast::tcp_stream
// that tells its session when Beast starts the WebSocket teardown. Internal (Boost).
//
// Why: when the double closes first, Beast's close operation reads the client's close frame itself
// and does not call the control callback (websocket/impl/close.hpp: "Should we invoke the control
// callback?"); it goes on to the teardown, which waits for the client's FIN. A blocking client
// (BeastClient between two calls) answers the close but sends its FIN only on its next call, so
// the client's code was recorded only once the close grace ran out. The teardown starts right
// after the close frame was read, so the session records the code then (ws.reason()).
#pragma once

#include <functional>
#include <utility>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/teardown.hpp>

namespace goldenpath::detail::session {

class DoubleTcpStream : public boost::beast::tcp_stream {
  public:
    explicit DoubleTcpStream(boost::asio::ip::tcp::socket socket)
        : boost::beast::tcp_stream(std::move(socket)) {}

    // Called (on the io thread) each time a WebSocket teardown of this stream starts.
    void on_teardown(std::function<void()> callback) { on_teardown_ = std::move(callback); }
    void teardown_starts() const {
        if (on_teardown_) {
            on_teardown_();
        }
    }

  private:
    std::function<void()> on_teardown_;
};

// Found by argument-dependent lookup from websocket::stream (an exact match, so preferred to
// Beast's overloads for basic_stream and ssl_stream); Beast's teardown follows unchanged.
template <class Handler>
void async_teardown(boost::beast::role_type role, DoubleTcpStream& stream, Handler&& handler) {
    stream.teardown_starts();
    boost::beast::async_teardown(role, static_cast<boost::beast::tcp_stream&>(stream),
                                 std::forward<Handler>(handler));
}

template <class Handler>
void async_teardown(boost::beast::role_type role, boost::beast::ssl_stream<DoubleTcpStream>& stream,
                    Handler&& handler) {
    boost::beast::get_lowest_layer(stream).teardown_starts();
    boost::beast::async_teardown(role, stream, std::forward<Handler>(handler));
}

}  // namespace goldenpath::detail::session
