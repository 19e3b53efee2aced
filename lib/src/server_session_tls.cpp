// The TLS (wss:// and https://) connection of AgentServerDouble (server_session.hpp,
// double_session.hpp): the same session as the plain one, on a TLS stream whose handshake comes
// first.
#include <memory>
#include <utility>

#include "double_session_event_stream.hpp"
#include "double_session_request.hpp"
#include "double_session_websocket.hpp"
#include "server_session.hpp"

namespace goldenpath::detail {

std::shared_ptr<ServerSession> make_server_session(SessionHost& host, Clock::time_point accepted_at,
                                                   boost::asio::ip::tcp::socket socket,
                                                   boost::asio::ssl::context& tls_context) {
    return std::make_shared<session::DoubleSession<session::TlsWebSocket>>(
        host, accepted_at, std::move(socket), tls_context);
}

}  // namespace goldenpath::detail
