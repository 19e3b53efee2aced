#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "goldenpath/clock.hpp"

namespace goldenpath {

// What the double saw on one accepted connection (or rejected upgrade). accepted_at lets tests
// count reconnection attempts and measure the back-off between them.
struct RecordedConnection {
    std::size_t id = 0;                                        // 1-based, in accept order
    std::string target;                                        // request target: path and query
    std::vector<std::pair<std::string, std::string>> headers;  // as received (not redacted)
    std::vector<std::string> offered_subprotocols;
    std::string selected_subprotocol;
    bool upgraded = false;    // accepted: the WebSocket upgrade, or the event stream's 200
    int rejected_status = 0;  // HTTP status when rejected
    // Text frames from the client, in order: the first max_recorded_messages of them (of an
    // event stream: the POSTed body).
    std::vector<std::string> received;
    std::size_t received_omitted = 0;      // text frames past that limit, answered, not recorded
    std::optional<int> client_close_code;  // close code the client sent, if any
    Clock::time_point accepted_at{};       // when the TCP connection was accepted
    // Most bytes of frames waiting to be written at once (frame payloads plus bookkeeping);
    // bounded by AgentServerDoubleOptions::max_outgoing_bytes plus one frame.
    std::size_t peak_outgoing_bytes = 0;

    // Header value by case-insensitive name; empty when absent.
    std::string header(std::string_view name) const;
};

// The headers, in order, with every credential replaced by "***": the values of
// Authorization, Proxy-Authorization, Cookie and headers named like a secret query parameter
// (after the scheme: "Bearer ***"), token subprotocol entries ("jwt-auth.***"), and those
// secrets wherever else they appear.
std::vector<std::pair<std::string, std::string>> redacted_headers(
    const RecordedConnection& connection);
// How GoogleTest prints a connection: id, target and headers, redacted the same way.
void PrintTo(const RecordedConnection& connection, std::ostream* out);

}  // namespace goldenpath
