// One connection of AgentServerDouble: (TLS handshake,) HTTP upgrade, auth, WebSocket accept,
// then script runs and ServerConnection commands on the double's io thread. Internal (Boost).
#pragma once

#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "connection_journal.hpp"
#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/clock.hpp"

namespace goldenpath::detail {

// What a session needs of its server. The server outlives every session's handlers (its stop()
// joins the io thread), but not necessarily the sessions: they keep their own journal reference.
class SessionHost {
  public:
    virtual ~SessionHost() = default;
    virtual const AgentServerDoubleOptions& options() const noexcept = 0;
    virtual boost::asio::io_context& ioc() noexcept = 0;
    // Shared with the connection handles, which may outlive the server.
    virtual const std::shared_ptr<ConnectionJournal>& journal_ptr() const noexcept = 0;
    // A callback of the test's own double threw (`error` from detail::harness_error).
    virtual void report_harness_error(const std::string& error) = 0;

  protected:
    SessionHost() = default;
    SessionHost(const SessionHost&) = default;
    SessionHost& operator=(const SessionHost&) = default;
};

class ServerSession {
  public:
    ServerSession() = default;
    virtual ~ServerSession() = default;
    ServerSession(const ServerSession&) = delete;
    ServerSession& operator=(const ServerSession&) = delete;
    virtual void start() = 0;
    // Server shutdown: close 1001 when upgraded, else drop the socket.
    virtual void shutdown() = 0;
};

// A session on an accepted socket, ws:// or (with `tls_context`) wss://; start() begins it.
std::shared_ptr<ServerSession> make_server_session(SessionHost& host, Clock::time_point accepted_at,
                                                   boost::asio::ip::tcp::socket socket);
std::shared_ptr<ServerSession> make_server_session(SessionHost& host, Clock::time_point accepted_at,
                                                   boost::asio::ip::tcp::socket socket,
                                                   boost::asio::ssl::context& tls_context);

}  // namespace goldenpath::detail
