// The port for real sockets, whatever the URL: WebSocket for ws:// and wss://, POST and a
// text/event-stream for http:// and https://. Internal (Boost).
#pragma once

#include <memory>

#include <boost/asio/any_io_executor.hpp>

#include "client_port.hpp"

namespace goldenpath::detail {

// Picks beast_port or sse_port at each connect(), by the scheme of the request's URL (so a
// client made before its URL is known, as AsyncWebSocketClient is, follows the URL). Same
// executor rules as beast_port.
std::unique_ptr<ClientPort> network_port(const boost::asio::any_io_executor& executor,
                                         std::shared_ptr<HostResolver> resolver);

}  // namespace goldenpath::detail
