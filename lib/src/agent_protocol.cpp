#include "agent_protocol.hpp"

#include <algorithm>

#include "goldenpath/bounded_json.hpp"
#include "start_template.hpp"
#include "text_helpers.hpp"

namespace goldenpath::detail {
namespace {

std::string percent_decode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            const int high = hex_digit_value(text[i + 1]);
            const int low = hex_digit_value(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out.push_back(static_cast<char>(high * 16 + low));
                i += 2;
                continue;
            }
        }
        out.push_back(text[i] == '+' ? ' ' : text[i]);
    }
    return out;
}

// Value of query parameter `name` in `target` ("/ws?a=b&token=x"); empty when absent.
std::string query_param(std::string_view target, std::string_view name) {
    const auto question = target.find('?');
    if (question == std::string_view::npos || name.empty()) {
        return {};
    }
    std::string_view rest = target.substr(question + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const auto pair = rest.substr(0, amp);
        const auto eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
            return percent_decode(pair.substr(eq + 1));
        }
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    }
    return {};
}

std::string json_string(const nlohmann::json& object, const std::string& field) {
    if (!object.is_object()) {
        return {};
    }
    const auto it = object.find(field);
    if (it == object.end() || !it->is_string()) {
        return {};
    }
    return it->get<std::string>();
}

// True when no tokens are configured, or one arrived by header, subprotocol or query; sets
// `selected` to the subprotocol entry that carried it.
bool authorised(const RecordedConnection& request, const AgentServerDoubleOptions& options,
                std::string& selected) {
    if (options.tokens.empty()) {
        return true;
    }
    const auto accepted = [&](std::string_view token) {
        return !token.empty() && std::find(options.tokens.begin(), options.tokens.end(), token) !=
                                     options.tokens.end();
    };
    const std::string authorization = request.header("Authorization");
    constexpr std::string_view bearer = "Bearer ";
    if (authorization.size() > bearer.size() &&
        equals_ignoring_case(std::string_view(authorization).substr(0, bearer.size()), bearer) &&
        accepted(trim(std::string_view(authorization).substr(bearer.size())))) {
        return true;
    }
    const std::string& pattern = options.profile.subprotocol_template;
    const auto hole = pattern.find("{token}");
    if (hole != std::string::npos) {
        const std::string_view prefix = std::string_view(pattern).substr(0, hole);
        const std::string_view suffix = std::string_view(pattern).substr(hole + 7);
        for (const auto& offered : request.offered_subprotocols) {
            const std::string_view entry = offered;
            if (entry.size() > prefix.size() + suffix.size() && entry.starts_with(prefix) &&
                entry.ends_with(suffix) &&
                accepted(
                    entry.substr(prefix.size(), entry.size() - prefix.size() - suffix.size()))) {
                selected = offered;
                return true;
            }
        }
    }
    return accepted(query_param(request.target, options.profile.query_token_param));
}

}  // namespace

std::vector<std::string> split_header_list(std::string_view text) {
    std::vector<std::string> items;
    while (!text.empty()) {
        const auto comma = text.find(',');
        const auto item = trim(text.substr(0, comma));
        if (!item.empty()) {
            items.emplace_back(item);
        }
        if (comma == std::string_view::npos) {
            break;
        }
        text.remove_prefix(comma + 1);
    }
    return items;
}

UpgradeDecision decide_upgrade(const RecordedConnection& request,
                               const AgentServerDoubleOptions& options) {
    UpgradeDecision decision;
    const std::string_view target = request.target;
    const std::string_view path = target.substr(0, target.find('?'));
    if (path != options.profile.path) {
        decision.reject_status = 404;
        decision.body = "not found";
    } else if (options.reject_upgrade_status || options.script.rejected_upgrade_status()) {
        decision.reject_status = options.reject_upgrade_status.value_or(
            options.script.rejected_upgrade_status().value_or(0));
        decision.body = options.reject_upgrade_body;
    } else if (!authorised(request, options, decision.selected_subprotocol)) {
        decision.reject_status = 401;
        decision.body = "invalid or missing token";
    }
    if (decision.reject_status != 0) {
        decision.selected_subprotocol.clear();
    } else if (decision.selected_subprotocol.empty() && !request.offered_subprotocols.empty()) {
        decision.selected_subprotocol = request.offered_subprotocols.front();
    }
    return decision;
}

std::optional<RunIds> start_message_ids(std::string_view text, const ProtocolProfile& profile) {
    // A client's message nested too deep is no start message, like one that is not JSON.
    if (find_nesting_excess(text, profile.max_json_depth)) {
        return std::nullopt;
    }
    const auto body = nlohmann::json::parse(text, nullptr, false);
    if (!profile.start_template.is_null()) {
        auto ids = template_start_ids(profile.start_template, body);
        return ids ? std::optional<RunIds>(
                         RunIds{std::move(ids->thread_id), std::move(ids->run_id)})
                   : std::nullopt;
    }
    if (!body.is_object() || json_string(body, profile.type_field) != profile.start_type) {
        return std::nullopt;
    }
    const nlohmann::json* ids = &body;
    if (!profile.start_container.empty()) {
        const auto it = body.find(profile.start_container);
        if (it != body.end() && it->is_object()) {
            ids = &*it;
        }
    }
    return RunIds{json_string(*ids, profile.thread_id_field),
                  json_string(*ids, profile.run_id_field)};
}

std::optional<Reply> answer(const RecordedConnection& connection, std::string_view message,
                            const AgentServerDoubleOptions& options) {
    auto ids = start_message_ids(message, options.profile);
    if (options.behaviour) {
        auto script = options.behaviour->on_message(connection, std::string(message));
        if (!script) {
            return std::nullopt;
        }
        return Reply{std::move(*script), ids.value_or(RunIds{})};
    }
    if (!ids) {
        return std::nullopt;
    }
    return Reply{options.script_for ? options.script_for(connection) : options.script,
                 std::move(*ids)};
}

namespace {

// Whether `field` is required of some type: then the profile says which events carry it.
bool required_somewhere(const ProtocolProfile& profile, const std::string& field) {
    return std::any_of(profile.required_fields.begin(), profile.required_fields.end(),
                       [&field](const auto& entry) {
                           return std::any_of(entry.second.begin(), entry.second.end(),
                                              [&field](const std::vector<std::string>& group) {
                                                  return std::find(group.begin(), group.end(),
                                                                   field) != group.end();
                                              });
                       });
}

bool requires_field(const ProtocolProfile& profile, const std::string& type,
                    const std::string& field) {
    const auto it = profile.required_fields.find(type);
    return it != profile.required_fields.end() &&
           std::any_of(it->second.begin(), it->second.end(), [&field](const auto& group) {
               return std::find(group.begin(), group.end(), field) != group.end();
           });
}

// The run's ids go on every event, unless the profile requires them of some types only (ag-ui:
// RUN_STARTED and RUN_FINISHED): then on those.
bool carries_id(const ProtocolProfile& profile, const nlohmann::json& event,
                const std::string& field) {
    if (!required_somewhere(profile, field)) {
        return true;
    }
    const auto type = event.find(profile.type_field);
    return type != event.end() && type->is_string() &&
           requires_field(profile, type->get<std::string>(), field);
}

}  // namespace

std::string render_event(nlohmann::json event, const RunIds& ids, const ProtocolProfile& profile) {
    if (event.is_object()) {
        if (!ids.thread_id.empty() && !event.contains(profile.thread_id_field) &&
            carries_id(profile, event, profile.thread_id_field)) {
            event[profile.thread_id_field] = ids.thread_id;
        }
        if (!ids.run_id.empty() && !event.contains(profile.run_id_field) &&
            carries_id(profile, event, profile.run_id_field)) {
            event[profile.run_id_field] = ids.run_id;
        }
    }
    // A script's strings are whatever bytes its author wrote: invalid UTF-8 is sent replaced
    // rather than thrown on the double's side of the connection.
    return event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool sends_ready_message(const AgentServerDoubleOptions& options) {
    return options.send_connection_established && !options.profile.ready_type.empty();
}

std::string ready_message(std::size_t id, const ProtocolProfile& profile) {
    nlohmann::json details = {{"connection_id", "conn-" + std::to_string(id)},
                              {"user_id", "user-" + std::to_string(id)}};
    nlohmann::json ready = nlohmann::json::object();
    ready[profile.type_field] = profile.ready_type;
    if (profile.detail_containers.empty()) {
        ready.update(details);
    } else {
        ready[profile.detail_containers.front()] = std::move(details);
    }
    return ready.dump();
}

}  // namespace goldenpath::detail

namespace goldenpath {

std::string RecordedConnection::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (detail::equals_ignoring_case(key, name)) {
            return value;
        }
    }
    return {};
}

}  // namespace goldenpath
