#pragma once

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <optional>
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

    friend bool operator==(const ScriptStep&, const ScriptStep&) = default;
};
std::ostream& operator<<(std::ostream& out, ScriptStep::Kind kind);  // its name

// What the server double answers to a start message: a list of steps. Build one with the named
// constructors and the editing helpers; it is plain data, so the same script produces the same
// frames every time.
// Not thread-safe, like a standard container: only const members may run concurrently.
class Script {
  public:
    Script() = default;
    explicit Script(std::vector<ScriptStep> steps) : steps_(std::move(steps)) {}

    // The five golden-path events with one tool call: names from `profile`, and in each event the
    // fields the profile requires of its type (plus the tool call's id on tool events). An
    // event that opens a span of one of the profile's pairings gets the span's id and, unless a
    // later event closes it, the close right after it: under the ag-ui profile, RUN_STARTED,
    // REASONING_START, REASONING_END, TOOL_CALL_START, TOOL_CALL_END, RUN_FINISHED.
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

    // ---- Faults in one line. Each has the same name in a JSON script's "faults" list, with its
    // arguments as one value or an array in the same order (docs/server-double.md):
    //   Script::golden_path().close_before_event(3, 1011, "tool crashed")
    //   {"faults": [{"close_before_event": [3, 1011, "tool crashed"]}]}
    // Events are counted from 0 over event steps; "before event N" with N = the number of events
    // means after the last, "after event N" is "before event N + 1". A bad argument throws a
    // ConfigError with id "goldenpath.script" naming the builder, the argument and its value:
    //   [goldenpath.script] (close_before_event: code) must be a close code 1000-4999, but is 99
    Script& close_before_event(std::size_t event_index, int code, std::string reason = {});
    Script& close_after(std::size_t event_index, int code, std::string reason = {});
    Script& send_raw_before_event(std::size_t event_index, std::string text);
    Script& send_raw_after(std::size_t event_index, std::string text);
    Script& send_binary_before_event(std::size_t event_index, std::string bytes);
    Script& send_binary_after(std::size_t event_index, std::string bytes);
    // A server-side timer, 0-600000 ms.
    Script& delay_before_event(std::size_t event_index, Milliseconds duration);
    Script& delay_after(std::size_t event_index, Milliseconds duration);
    Script& stall_before_event(std::size_t event_index);
    Script& stall_after(std::size_t event_index);
    Script& ping_before_event(std::size_t event_index, std::string payload = {});
    Script& ping_after(std::size_t event_index, std::string payload = {});
    Script& reset_before_event(std::size_t event_index);
    Script& reset_after(std::size_t event_index);
    // Edits, checked like the faults: remove, repeat or exchange events.
    Script& drop(std::size_t event_index);
    Script& duplicate(std::size_t event_index);
    // Throws on a bad index like the other edits (clang-tidy expects any `swap` not to throw).
    Script& swap(std::size_t first, std::size_t second);  // NOLINT(bugprone-exception-escape)
    // The double answers the upgrade with this HTTP status (100-599, not 101) instead of running
    // the script; it applies to AgentServerDoubleOptions::script (and goldenpath-server's
    // --script), which is known before the upgrade, not to scripts chosen per message.
    Script& reject_upgrade(int status);
    const std::optional<int>& rejected_upgrade_status() const noexcept {
        return reject_upgrade_status_;
    }

    // Editing helpers address event steps by their event index (0-based over event steps).
    Script& drop_event(std::size_t event_index);
    Script& duplicate_event(std::size_t event_index);
    Script& swap_events(std::size_t first, std::size_t second);
    // Inserts a step before the event with `event_index` (at the end when past the last).
    Script& insert_before_event(std::size_t event_index, ScriptStep step);

    const std::vector<ScriptStep>& steps() const noexcept { return steps_; }
    std::size_t event_count() const;

    friend bool operator==(const Script&, const Script&) = default;

  private:
    std::size_t step_of_event(std::size_t event_index) const;
    // The fault builders: checks `event_index` (0 to the number of events) and inserts.
    Script& insert_fault(const char* builder, std::size_t event_index, ScriptStep step);
    // "after event N": checks N names an event, then inserts before event N + 1.
    Script& insert_fault_after(const char* builder, std::size_t event_index, ScriptStep step);
    std::vector<ScriptStep> steps_;
    std::optional<int> reject_upgrade_status_;
};

}  // namespace goldenpath
