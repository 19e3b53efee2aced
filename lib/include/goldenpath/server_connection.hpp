#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "goldenpath/clock.hpp"
#include "goldenpath/recorded_connection.hpp"

namespace goldenpath {

namespace detail {
class ConnectionJournal;
}

// One upgraded connection of an AgentServerDouble, as a handle a test can wait for and drive
// (docs/test-authors.md): its recorded handshake, its inbox, and frames, pings, close and reset
// sent on demand. Get it from AgentServerDouble::wait_for_connection() or the on_connection option.
//
// Thread-safe: any thread may call any member. Commands are queued to the double's io thread and
// go out in call order, behind whatever the connection's script already queued. A command on a
// connection that has ended (or whose double stopped) does nothing and returns false; frames asked
// for after a close() or reset() are dropped. A handle may outlive its double: it then keeps the
// final recording.
class ServerConnection {
  public:
    // Made by AgentServerDouble; `id` is the connection's RecordedConnection::id.
    ServerConnection(std::shared_ptr<detail::ConnectionJournal> journal, std::size_t id);

    std::size_t id() const noexcept { return id_; }
    // Snapshot of the recording: target, query, headers, subprotocols, inbox, client close code.
    RecordedConnection handshake() const;
    Clock::time_point accepted_at() const;
    // Text frames received from the client so far, in order.
    std::vector<std::string> messages() const;
    // Waits until `count` messages arrived, or `deadline`; true when reached.
    bool wait_for_message(std::size_t count, Clock::time_point deadline) const;
    // Waits for the first message (already received or arriving) that `matches`; nullopt at
    // `deadline`. `matches` runs on the calling thread on a copy, with no lock of the double
    // held, so it may call the double or any handle.
    std::optional<std::string> wait_for_message(
        const std::function<bool(const std::string&)>& matches, Clock::time_point deadline) const;

    bool send_text(std::string text);
    bool send_binary(std::string bytes);
    // A ping control frame; std::invalid_argument when the payload exceeds 125 bytes.
    bool ping(std::string payload = {});
    // Starts the close handshake with `code`; the connection ends when the client answers (or
    // after a 200 ms grace). std::invalid_argument for a code that may not be sent (e.g. 1006).
    bool close(int code = 1000, std::string reason = {});
    // Aborts the TCP connection (SO_LINGER {on, 0}, then close: an RST, no close frame) once
    // the frames queued before it are written. The client sees closed(1006).
    bool reset();

    // Waits until the client's close frame arrived or the connection ended; returns the close
    // code the client sent, 1006 when it ended without one (reset, lost, or no answer to our
    // close), nullopt at `deadline`.
    std::optional<int> wait_closed(Clock::time_point deadline) const;
    // True from the upgrade until the client's close frame arrives or the connection ends.
    bool is_open() const;

  private:
    std::shared_ptr<detail::ConnectionJournal> journal_;
    // Its own connection's recording, kept even when the double's bounded journal forgets it.
    std::shared_ptr<const RecordedConnection> recording_;
    std::size_t id_;
};

}  // namespace goldenpath
