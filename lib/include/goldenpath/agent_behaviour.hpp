#pragma once

#include <optional>
#include <string>

#include "goldenpath/recorded_connection.hpp"
#include "goldenpath/script.hpp"

namespace goldenpath {

// What an agent server double does with a message (docs/test-authors.md). The default behaviour
// answers start messages with the configured Script; implement this (or use fixtures'
// MockAgentBehaviour) to decide per message, or to assert on what the server received.
// Threads: each double calls on_message on its one io thread, one call at a time (an
// InMemoryClient on its caller's thread); a behaviour shared between them must be thread-safe.
class AgentBehaviour {
  public:
    virtual ~AgentBehaviour() = default;

    // Called for every text message received on an upgraded connection, after it was recorded in
    // `connection.received`. Returns the Script to answer with (run_id/thread_id of a start
    // message are filled into its events), or nullopt to stay silent. AgentServerDouble calls it
    // on its own thread. Throwing is a bug of the test's double: the connection closes with 1011
    // "harness: AgentBehaviour threw <type>: <what>" and the error is kept in
    // AgentServerDouble::harness_errors() (fixtures::AgentServerDoubleTest fails the test).
    virtual std::optional<Script> on_message(const RecordedConnection& connection,
                                             const std::string& message) = 0;
};

}  // namespace goldenpath
