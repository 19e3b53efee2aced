// The plain (ws:// and http://) connection of AgentServerDouble (server_session.hpp,
// double_session.hpp). One io_context on one thread serves every session; sessions are
// shared_from_this objects kept alive by their handlers.
#include <memory>
#include <utility>

#include "double_session_event_stream.hpp"
#include "double_session_request.hpp"
#include "double_session_websocket.hpp"
#include "server_session.hpp"

namespace goldenpath::detail {

std::shared_ptr<ServerSession> make_server_session(SessionHost& host, Clock::time_point accepted_at,
                                                   boost::asio::ip::tcp::socket socket) {
    return std::make_shared<session::DoubleSession<session::PlainWebSocket>>(host, accepted_at,
                                                                             std::move(socket));
}

}  // namespace goldenpath::detail
