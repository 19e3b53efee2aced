// The ws:// connection of AgentServerDouble (server_session.hpp, websocket_session.hpp). One
// io_context on one thread serves every session; sessions are shared_from_this objects kept alive
// by their handlers.
#include <memory>
#include <utility>

#include "server_session.hpp"
#include "websocket_session.hpp"

namespace goldenpath::detail {

std::shared_ptr<ServerSession> make_server_session(SessionHost& host, Clock::time_point accepted_at,
                                                   boost::asio::ip::tcp::socket socket) {
    return std::make_shared<session::WebSocketSession<session::PlainWebSocket>>(host, accepted_at,
                                                                                std::move(socket));
}

}  // namespace goldenpath::detail
