#pragma once
// A test-only server that mirrors what it received (the upgrade's request line, Authorization
// header, offered subprotocols and query) into one of the places a server can put text, to show
// that no secret the client sent comes back out of anything the harness reports (issue 13,
// item 5). Boost stays in the .cpp.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "goldenpath/clock.hpp"

namespace goldenpath::test {

// Where the mirror goes.
enum class MirrorPlace {
    event_fields,     // a golden path whose every text field (tool_name, agent_name, ...) mirrors
    foreign_ids,      // agent_started with run_id and thread_id set to the mirror
    agent_error,      // agent_error whose message, error and detail fields mirror
    unknown_type,     // an event whose type is the mirror
    close_reason,     // a close frame (1011) whose reason is the mirror from the Authorization on
    http_error_body,  // the upgrade answered with http_status, the body `offset` bytes of padding
                      // then the mirror
    malformed_frame,  // a text frame that is not JSON: `offset` bytes of padding, then the mirror
    binary_frame,     // the same as a binary frame
    summary_value,    // agent_started whose agent_name is `offset` bytes of padding then the
                      // mirror (cut by the timeline's summary)
};

std::string_view to_string(MirrorPlace place) noexcept;

struct MirrorOptions {
    MirrorPlace place = MirrorPlace::agent_error;
    std::size_t offset = 0;
    int http_status = 400;
};

// Serves MirrorOptions on 127.0.0.1:0 on its own io_context thread, joined in the destructor.
class MirrorServer {
  public:
    explicit MirrorServer(MirrorOptions options);
    ~MirrorServer();
    MirrorServer(const MirrorServer&) = delete;
    MirrorServer& operator=(const MirrorServer&) = delete;

    std::string url() const;  // ws://127.0.0.1:PORT/ws

    // The text mirrored to the first connection (request line, Authorization, subprotocols,
    // query), once its request arrived; nullopt at `deadline` otherwise.
    std::optional<std::string> wait_for_mirror(Clock::time_point deadline) const;

    // The mirror text of an upgrade request head: request line, then the values of
    // Authorization and Sec-WebSocket-Protocol, then the query, separated by " | ".
    static std::string mirror_of(std::string_view request_head);

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace goldenpath::test
