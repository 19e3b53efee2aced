// The ceiling row of goldenpath-bench: the fastest WebSocket client this process can be against
// a given server, so a journey's rate can be compared with what the server and the kernel leave.
// Internal to the bench.
#pragma once

#include <cstddef>

#include "goldenpath/url.hpp"
#include "timed_journeys.hpp"

namespace goldenpath::bench {

// Golden-path journeys against `url` (ws://, agent-chat-v1), one connection each, until
// `journeys` or `max_seconds`: blocking sockets, an upgrade request and a masked start frame
// built once, frames read with no JSON parsing. A journey passes when connection_established
// comes first, agent_completed is the fifth frame after the start message, and the server
// answers the close frame. The client does what no real client can skip and nothing more, so its
// rate is the most any client can reach against that server on this machine.
TimedJourneys run_bare_ws_client(const Url& url, std::size_t journeys, double max_seconds);

}  // namespace goldenpath::bench
