#pragma once

#include <filesystem>
#include <iosfwd>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "goldenpath/bounded_json.hpp"
#include "goldenpath/secret.hpp"

namespace goldenpath {

// How the endpoint hands over the token (docs/wire-contract.md "Auth"); a profile may use several.
enum class AuthMethod { header, subprotocol, query };
std::ostream& operator<<(std::ostream& out, AuthMethod method);  // its name

// Two event types that open and close one span of a run, paired on an id field (AG-UI's
// TEXT_MESSAGE_START/END by messageId, say). A close with no open span of its id, a second open of
// an open id, and an open span at the run's completion break the pairing, named by `name`.
struct EventPairing {
    std::string name;        // e.g. "text_message"; names the pairing in violations
    std::string open_type;   // e.g. "TEXT_MESSAGE_START"
    std::string close_type;  // e.g. "TEXT_MESSAGE_END"
    std::string id_field;    // e.g. "messageId"

    bool operator==(const EventPairing& other) const = default;
};

// Everything about the wire protocol that differs between agent backends, as data. The default
// values are the `agent-chat-v1` contract of docs/wire-contract.md.
struct ProtocolProfile {
    std::string name = "agent-chat-v1";

    // The five golden-path event types.
    std::string agent_started = "agent_started";
    std::string agent_thinking = "agent_thinking";
    std::string tool_executing = "tool_executing";
    std::string tool_completed = "tool_completed";
    std::string agent_completed = "agent_completed";

    // More event types for a golden-path role, by role name ("agent_started", "agent_thinking",
    // "tool_executing", "tool_completed", "agent_completed"): {"tool_completed":
    // ["TOOL_CALL_RESULT"]} makes TOOL_CALL_RESULT complete a tool call as tool_completed does. A
    // call completed by one of its role's types may be completed again by each other one (AG-UI's
    // TOOL_CALL_END, then TOOL_CALL_RESULT).
    std::map<std::string, std::vector<std::string>> alternative_types;
    // Roles a run may lack: "agent_thinking" (no no_thinking_before_tool), "tool_executing" and
    // "tool_completed" (no no_tool_call). Present, their events are judged as usual.
    std::vector<std::string> optional_roles;
    // Event types that open and close spans of a run (their types are run events).
    std::vector<EventPairing> pairings;
    // A type the profile names nowhere: false, it goes into the timeline only; true, it is an event
    // of the run, so it must come after agent_started and before agent_completed.
    bool unknown_types_are_run_events = false;

    // Sent by the server after the upgrade; waited for before the run when wait_for_ready.
    std::string ready_type = "connection_established";
    bool wait_for_ready = true;
    // Types the verifier skips (they go into the timeline only).
    std::vector<std::string> ignored_types = {
        "connection_established", "heartbeat",       "ping",        "pong", "heartbeat_ack",
        "partial_result",         "progress_update", "final_report"};
    // Types that end the run as failed, with the server's message as evidence.
    std::vector<std::string> terminal_failure_types = {"agent_error", "agent_death", "error",
                                                       "error_message"};
    // Fields looked up, in order, for an error event's message.
    std::vector<std::string> error_message_fields = {"message", "error", "error_message", "detail"};
    // Fields looked up, in order, for an error event's code, shown after its message.
    std::vector<std::string> error_code_fields;
    // Codes (in an error event's "error_code" or one of error_code_fields) that mean the token was
    // refused: such a terminal failure event before the run is auth_rejected, not agent_error.
    std::vector<std::string> auth_failure_codes = {"AUTH_FAILED"};

    // Envelope.
    std::string type_field = "type";
    std::string run_id_field = "run_id";
    std::string thread_id_field = "thread_id";
    std::string timestamp_field = "timestamp";
    // Event details are looked up in these objects in order, then at the root.
    std::vector<std::string> detail_containers = {"data", "payload"};

    // Required fields: event type -> groups; each group is satisfied by any one of its fields.
    std::map<std::string, std::vector<std::vector<std::string>>> required_fields = {
        {"agent_started", {{"agent_name"}}},
        {"agent_thinking", {{"reasoning", "thought"}}},
        {"tool_executing", {{"tool_name"}}},
        {"tool_completed", {{"tool_name"}, {"results", "result", "error"}}},
        {"agent_completed", {{"final_response", "result", "status"}}},
    };
    std::string tool_name_field = "tool_name";
    std::vector<std::string> tool_call_id_fields = {"tool_call_id", "execution_id"};
    bool require_tool = true;

    // Start of a run: {"type": start_type, start_container: {text_field: text, "thread_id": ..,
    // "run_id": ..}}; an empty start_container puts the fields at the root.
    std::string start_type = "user_message";
    std::string start_container = "payload";
    std::string start_text_field = "content";
    // When not null, the start message instead: a JSON object whose string values may hold the
    // placeholders {text}, {thread_id}, {run_id} and {message_id}, each replaced by its value
    // inside the string (so the value is escaped as JSON, never spliced into the text).
    nlohmann::json start_template;

    // Auth.
    std::vector<AuthMethod> auth_methods = {AuthMethod::header, AuthMethod::subprotocol};
    std::string subprotocol_template = "jwt-auth.{token}";
    std::string query_token_param = "token";
    // Query parameters whose values are secrets (compared ignoring case): redacted from URLs, and
    // every value given for one of them in a configured URL is redacted from all output.
    std::vector<std::string> secret_query_params = default_secret_query_params();
    std::string path = "/ws";

    // The deepest nesting of arrays and objects accepted in a frame (and in a script read with
    // this profile); a deeper frame is malformed_frame. 1-1000.
    std::size_t max_json_depth = kDefaultMaxJsonDepth;

    // The start message for one run, serialised: start_template filled in when set, else
    // {type_field: start_type, start_container: {..}}. An empty message_id is "message-<run_id>".
    // A template that check_start_template rejects throws ConfigError.
    std::string start_message(std::string_view text, std::string_view thread_id,
                              std::string_view run_id, std::string_view message_id = {}) const;
    // Looks `field` up in each detail container, then at the root; nullptr when absent or null.
    const nlohmann::json* find_field(const nlohmann::json& body, std::string_view field) const;

    // The server's message in an error event `body`: the first of error_message_fields that
    // find_field finds, as text (a string as it is, anything else as compact JSON), followed by
    // " (code C)" when one of error_code_fields is there, cut to 512 bytes; empty when neither is.
    std::string server_message(const nlohmann::json& body) const;

    bool is_ignored(std::string_view type) const;
    bool is_terminal_failure(std::string_view type) const;
    // One of the five golden-path types or one of their alternative_types.
    bool is_golden_path_type(std::string_view type) const;
    // The subprotocol entry carrying `token` (template with {token} replaced).
    std::string subprotocol_for(std::string_view token) const;

    bool operator==(const ProtocolProfile& other) const = default;
};

// Throws ConfigError (id goldenpath.profile, pointer /start_template/...) unless `start_template`
// is null or a JSON object whose strings hold only known placeholders.
void check_start_template(const nlohmann::json& start_template);

// The `agent-chat-v1` profile.
ProtocolProfile default_profile();

// Builds a profile from JSON; absent keys keep the defaults. Unknown keys and wrong types throw
// ConfigError with id "goldenpath.profile" and the JSON pointer of the field.
ProtocolProfile profile_from_json(const nlohmann::json& json);
nlohmann::json to_json(const ProtocolProfile& profile);
// Reads and parses a profile file; a missing or unreadable file or invalid JSON is a ConfigError
// naming the path.
ProtocolProfile load_profile(const std::filesystem::path& path);

}  // namespace goldenpath
