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

    // The start message for one run, serialised.
    std::string start_message(std::string_view text, std::string_view thread_id,
                              std::string_view run_id) const;
    // Looks `field` up in each detail container, then at the root; nullptr when absent or null.
    const nlohmann::json* find_field(const nlohmann::json& body, std::string_view field) const;

    // The server's message in an error event `body`: the first of error_message_fields that
    // find_field finds, as text (a string as it is, anything else as compact JSON), cut to 512
    // bytes; empty when none is there.
    std::string server_message(const nlohmann::json& body) const;

    bool is_ignored(std::string_view type) const;
    bool is_terminal_failure(std::string_view type) const;
    // One of the five golden-path types.
    bool is_golden_path_type(std::string_view type) const;
    // The subprotocol entry carrying `token` (template with {token} replaced).
    std::string subprotocol_for(std::string_view token) const;

    bool operator==(const ProtocolProfile& other) const = default;
};

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
