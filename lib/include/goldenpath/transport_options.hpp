#pragma once

#include <cstddef>
#include <optional>

#include "goldenpath/clock.hpp"

namespace goldenpath {

// What a client accepts and offers on a connection. Shared by EndpointConfig and ConnectRequest,
// which derive from it, so a request takes a config's settings in one assignment.
struct TransportOptions {
    // The largest message (after decompression, all fragments together; over an event stream one
    // event's data) the client accepts; a larger one fails the connection (close 1009) instead of
    // being buffered. 0 = no limit.
    std::size_t max_message_bytes = 16U * 1024U * 1024U;
    // Offer permessage-deflate (RFC 7692) in the WebSocket upgrade; off by default (see
    // beast_client.hpp).
    bool permessage_deflate = false;
    // When set, the client pings after this much silence while it waits in receive(); a peer
    // that sends nothing (no pong) for another interval ends the connection as `stalled`.
    std::optional<Milliseconds> keepalive;

    friend bool operator==(const TransportOptions&, const TransportOptions&) = default;
};

}  // namespace goldenpath
