#pragma once
// What the agent server doubles do, independent of transport: the upgrade decision (path, forced
// rejection, tokens), reading the ids of a start message and rendering scripted events. Shared by
// AgentServerDouble (sockets) and InMemoryClient (no sockets) so both answer alike.
// Internal: not installed.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/protocol_profile.hpp"

namespace goldenpath::detail {

struct UpgradeDecision {
    int reject_status = 0;  // 0: accept
    std::string body;
    std::string selected_subprotocol;
};

// Entries of a comma-separated header such as Sec-WebSocket-Protocol, trimmed, empties dropped.
std::vector<std::string> split_header_list(std::string_view text);

// Decides an upgrade from what was recorded of the request: wrong path 404, then the forced
// rejection, then the token check (Authorization: Bearer, subprotocol template, query) 401.
// The selected subprotocol echoes the one that carried the token, else the first offered.
UpgradeDecision decide_upgrade(const RecordedConnection& request,
                               const AgentServerDoubleOptions& options);

struct RunIds {
    std::string thread_id;
    std::string run_id;
};

// The ids of a start message (profile.start_type, or with a start_template an object with the
// template's top-level fields), or nullopt when `text` is not one.
std::optional<RunIds> start_message_ids(std::string_view text, const ProtocolProfile& profile);

// What the double answers to `message` on `connection` (already recorded): the behaviour's
// Script when options.behaviour is set, else options.script / script_for for start messages;
// nullopt to stay silent. Exceptions from user callbacks propagate.
struct Reply {
    Script script;
    RunIds ids;
};
std::optional<Reply> answer(const RecordedConnection& connection, std::string_view message,
                            const AgentServerDoubleOptions& options);

// A scripted event as sent: the run's ids added at the root unless the event sets them, or the
// profile requires them of other types only (ag-ui: of RUN_STARTED and RUN_FINISHED).
std::string render_event(nlohmann::json event, const RunIds& ids, const ProtocolProfile& profile);

// Whether a WebSocket connection of the double starts with the ready message: when the options
// ask for it and the profile has a ready type (ag-ui has none).
bool sends_ready_message(const AgentServerDoubleOptions& options);

// The connection_established message for connection `id`.
std::string ready_message(std::size_t id, const ProtocolProfile& profile);

}  // namespace goldenpath::detail
