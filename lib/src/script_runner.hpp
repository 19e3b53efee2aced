// One interpreter of Script steps for both agent server doubles: AgentServerDouble's sessions
// (frames on a socket, delays on a timer) and InMemoryClient (frames in an outbox, delays in
// virtual time) give it their ScriptOutput, so a new step type is handled in one place. Internal.
#pragma once

#include <cstddef>
#include <string>

#include "agent_protocol.hpp"
#include "goldenpath/clock.hpp"
#include "goldenpath/protocol_profile.hpp"
#include "goldenpath/script.hpp"

namespace goldenpath::detail {

// What a double does with the steps of a run.
class ScriptOutput {
  public:
    virtual ~ScriptOutput() = default;

    // False: the run pauses before its next step until the double resumes it (back-pressure).
    virtual bool has_room() const { return true; }
    // True: the run ends before its next step (its connection is closing).
    virtual bool closing() const { return false; }

    virtual void text(std::string text) = 0;
    virtual void binary(std::string payload) = 0;
    virtual void ping(std::string payload) = 0;
    virtual void close(int code, std::string reason) = 0;
    virtual void reset() = 0;
    virtual void stall() = 0;
    // True when the run goes on at once (virtual time); false when the double resumes it
    // (advance_script_run again) once `delay` passed.
    virtual bool delay(Milliseconds delay) = 0;

  protected:
    ScriptOutput() = default;
    ScriptOutput(const ScriptOutput&) = default;
    ScriptOutput& operator=(const ScriptOutput&) = default;
};

// One run of a script, started by one start message.
struct ScriptRun {
    Script script;
    RunIds ids;
    std::size_t next = 0;  // the step to execute next
};

enum class RunProgress {
    ended,    // at its end, a stall, or its connection closing: nothing more to do
    closed,   // it closed or reset the connection
    waiting,  // a delay the double waits out
    paused,   // no room for its next frame
};

// Executes `run`'s steps from `next` until a delay the output waits out, a pause, a close, a
// reset, a stall or the end. Events are rendered with the run's ids and `profile`.
RunProgress advance_script_run(ScriptRun& run, const ProtocolProfile& profile,
                               ScriptOutput& output);

}  // namespace goldenpath::detail
