// The wss:// connection of AgentServerDouble (server_session.hpp, websocket_session.hpp): the
// same session as ws://, on a TLS stream whose handshake comes first.
#include <memory>
#include <utility>

#include "server_session.hpp"
#include "websocket_session.hpp"

namespace goldenpath::detail {

std::shared_ptr<ServerSession> make_server_session(SessionHost& host, Clock::time_point accepted_at,
                                                   boost::asio::ip::tcp::socket socket,
                                                   boost::asio::ssl::context& tls_context) {
    return std::make_shared<session::WebSocketSession<session::TlsWebSocket>>(
        host, accepted_at, std::move(socket), tls_context);
}

}  // namespace goldenpath::detail
