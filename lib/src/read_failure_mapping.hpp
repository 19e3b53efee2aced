// What a failed read, write or upgrade of the client connection means for the user: Beast's and
// Asio's error codes mapped to close codes, names and Failures (docs/wire-contract.md).
// Internal (Boost).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include <boost/system/error_code.hpp>

#include "goldenpath/clock.hpp"
#include "goldenpath/failure.hpp"

namespace goldenpath::detail {

// The peer (server or proxy) ended the TCP connection: end of stream, reset, broken pipe.
bool is_connection_loss(const boost::system::error_code& ec);

// The server ended the connection before it sent as much as an HTTP version ("HTTP/1.1").
bool ended_before_an_http_line(const boost::system::error_code& ec);

// The close code Beast sent when it failed the connection because of what the server sent;
// 0 when `ec` is no such failure (RFC 6455 §7.4.1: 1009 too big, 1007 bad payload, else 1002).
int failed_connection_code(const boost::system::error_code& ec);

// The name of Beast's websocket::error value, stable for tests and logs ("bad_masked_frame").
std::string_view websocket_error_name(const boost::system::error_code& ec);

// permessage-deflate data that does not inflate: Beast drops the connection without a close.
bool is_inflate_error(const boost::system::error_code& ec);

// True when a failed read is the server's fault at the WebSocket layer (a frame the client had to
// reject, or keepalive silence), reported as a failure rather than a close.
bool is_read_failure(const boost::system::error_code& ec);

// What the connection knows when a read failed.
struct ReadContext {
    std::size_t frames_delivered = 0;  // data frames handed out so far: the bad frame's index
    std::size_t max_message_bytes = 0;
    std::optional<Milliseconds> keepalive;
};

// The Failure (phase completion, url unset) for an error is_read_failure() accepts: a frame the
// client had to reject (malformed_frame, with Beast's reason) or, with keepalive, silence after a
// ping (stalled).
Failure read_failure(const boost::system::error_code& ec, const ReadContext& context);

}  // namespace goldenpath::detail
