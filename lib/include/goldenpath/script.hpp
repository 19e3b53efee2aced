#pragma once

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "goldenpath/clock.hpp"
#include "goldenpath/protocol_profile.hpp"

namespace goldenpath {

// One step of a server script.
struct ScriptStep {
    enum class Kind {
        event,        // send `event` as a JSON text frame (run_id/thread_id filled from the start
                      // message unless the event sets them)
        send_raw,     // send `text` verbatim as a text frame
        close,        // send a close frame with `close_code` and `text` as reason
        delay,        // wait `delay` (a timer on the server, never a sleep)
        stall,        // stop sending; keep the connection open until the client leaves
        ping,         // send a ping control frame with `text` as payload (clients ignore it)
        reset,        // abort the TCP connection (RST, no close frame): the client sees 1006
        send_binary,  // send `text` as a binary frame
    };
    Kind kind = Kind::event;
    nlohmann::json event;
    std::string text;
    int close_code = 1000;
    Milliseconds delay{0};
};
std::ostream& operator<<(std::ostream& out, ScriptStep::Kind kind);  // its name

// What the server double answers to a start message: a list of steps. Build one with the named
// constructors and the editing helpers; it is plain data, so the same script produces the same
// frames every time.
class Script {
  public:
    Script() = default;
    explicit Script(std::vector<ScriptStep> steps) : steps_(std::move(steps)) {}

    // The five golden-path events with one tool call (names from `profile`).
    static Script golden_path(const ProtocolProfile& profile = default_profile());
    // As golden_path, with `tools` tool calls (each executing/completed pair, ids call-1..N).
    static Script with_tools(std::size_t tools, const ProtocolProfile& profile = default_profile());

    Script& event(nlohmann::json event);
    Script& send_raw(std::string text);
    Script& close(int code, std::string reason = {});
    Script& delay(Milliseconds duration);
    Script& stall();
    // A ping frame (payload at most 125 bytes) between events; clients answer it and go on.
    Script& ping(std::string payload = {});
    // Aborts the connection with a TCP reset after the frames before it were written.
    Script& reset();
    Script& send_binary(std::string bytes);

    // Editing helpers address event steps by their event index (0-based over event steps).
    Script& drop_event(std::size_t event_index);
    Script& duplicate_event(std::size_t event_index);
    Script& swap_events(std::size_t first, std::size_t second);
    // Inserts a step before the event with `event_index` (at the end when past the last).
    Script& insert_before_event(std::size_t event_index, ScriptStep step);

    const std::vector<ScriptStep>& steps() const noexcept { return steps_; }
    std::size_t event_count() const;

  private:
    std::size_t step_of_event(std::size_t event_index) const;
    std::vector<ScriptStep> steps_;
};

}  // namespace goldenpath
