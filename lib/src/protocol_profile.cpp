#include "goldenpath/protocol_profile.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "bounded_text.hpp"
#include "enum_names.hpp"
#include "goldenpath/config_error.hpp"
#include "json_reader.hpp"
#include "start_template.hpp"

namespace goldenpath {

namespace {

constexpr const char* kErrorId = "goldenpath.profile";

bool contains(const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

const detail::JsonReader& profile_reader() {
    static const detail::JsonReader reader{kErrorId};
    return reader;
}

[[noreturn]] void fail(const std::string& pointer, std::string_view requirement,
                       const nlohmann::json& value) {
    profile_reader().fail(pointer, requirement, value);
}

// Readers for the value types a profile holds; each names the JSON pointer of what it rejects.
std::string read_string(const nlohmann::json& value, const std::string& pointer) {
    return profile_reader().string(value, pointer);
}

std::string read_name(const nlohmann::json& value, const std::string& pointer) {
    std::string name = read_string(value, pointer);
    if (name.empty()) {
        fail(pointer, "must be a non-empty string", value);
    }
    return name;
}

bool read_bool(const nlohmann::json& value, const std::string& pointer) {
    return profile_reader().boolean(value, pointer, "must be a boolean");
}

std::vector<std::string> read_strings(const nlohmann::json& value, const std::string& pointer) {
    if (!value.is_array()) {
        fail(pointer, "must be an array of strings", value);
    }
    std::vector<std::string> strings;
    strings.reserve(value.size());
    for (std::size_t i = 0; i < value.size(); ++i) {
        strings.push_back(read_string(value[i], detail::child_pointer(pointer, i)));
    }
    return strings;
}

constexpr detail::EnumNames<AuthMethod, 3> kAuthMethodNames = {{
    {AuthMethod::header, "header"},
    {AuthMethod::subprotocol, "subprotocol"},
    {AuthMethod::query, "query"},
}};

std::size_t read_json_depth(const nlohmann::json& value, const std::string& pointer) {
    const bool in_range = value.is_number_integer() && value.get<std::int64_t>() >= 1 &&
                          value.get<std::int64_t>() <= std::int64_t{kMaxJsonDepthLimit};
    if (!in_range) {
        fail(pointer, fmt::format("must be an integer 1-{}", kMaxJsonDepthLimit), value);
    }
    return static_cast<std::size_t>(value.get<std::int64_t>());
}

std::vector<AuthMethod> read_auth_methods(const nlohmann::json& value, const std::string& pointer) {
    if (!value.is_array()) {
        fail(pointer, "must be an array of auth methods (header, subprotocol, query)", value);
    }
    std::vector<AuthMethod> methods;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string element_pointer = detail::child_pointer(pointer, i);
        const std::string name = read_string(value[i], element_pointer);
        const std::optional<AuthMethod> method = detail::enum_named(kAuthMethodNames, name);
        if (!method) {
            fail(element_pointer, "must be one of header, subprotocol, query", value[i]);
        }
        methods.push_back(*method);
    }
    return methods;
}

std::map<std::string, std::vector<std::vector<std::string>>> read_required_fields(
    const nlohmann::json& value, const std::string& pointer) {
    if (!value.is_object()) {
        fail(pointer, "must be an object of event type -> field groups", value);
    }
    std::map<std::string, std::vector<std::vector<std::string>>> required;
    for (const auto& [type, groups] : value.items()) {
        const std::string type_pointer = detail::child_pointer(pointer, type);
        if (!groups.is_array()) {
            fail(type_pointer, "must be an array of field groups", groups);
        }
        auto& out = required[type];
        for (std::size_t i = 0; i < groups.size(); ++i) {
            const std::string group_pointer = detail::child_pointer(type_pointer, i);
            if (!groups[i].is_array() || groups[i].empty()) {
                fail(group_pointer, "must be a non-empty array of field names", groups[i]);
            }
            out.push_back(read_strings(groups[i], group_pointer));
        }
    }
    return required;
}

constexpr std::array<std::string_view, 5> kRoleNames = {
    "agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed"};
constexpr std::string_view kRoleRequirement =
    "must be a role (agent_started, agent_thinking, tool_executing, tool_completed, "
    "agent_completed)";
constexpr std::array<std::string_view, 3> kOptionalRoleNames = {"agent_thinking", "tool_executing",
                                                                "tool_completed"};

std::map<std::string, std::vector<std::string>> read_alternative_types(const nlohmann::json& value,
                                                                       const std::string& pointer) {
    if (!value.is_object()) {
        fail(pointer, "must be an object of role -> event types", value);
    }
    std::map<std::string, std::vector<std::string>> alternatives;
    for (const auto& [role, types] : value.items()) {
        const std::string role_pointer = detail::child_pointer(pointer, role);
        if (std::find(kRoleNames.begin(), kRoleNames.end(), role) == kRoleNames.end()) {
            fail(role_pointer, kRoleRequirement, nlohmann::json(role));
        }
        std::vector<std::string> names = read_strings(types, role_pointer);
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (names[i].empty()) {
                fail(detail::child_pointer(role_pointer, i), "must be a non-empty string",
                     types[i]);
            }
        }
        alternatives[role] = std::move(names);
    }
    return alternatives;
}

std::vector<std::string> read_optional_roles(const nlohmann::json& value,
                                             const std::string& pointer) {
    std::vector<std::string> roles = read_strings(value, pointer);
    for (std::size_t i = 0; i < roles.size(); ++i) {
        if (std::find(kOptionalRoleNames.begin(), kOptionalRoleNames.end(), roles[i]) ==
            kOptionalRoleNames.end()) {
            fail(detail::child_pointer(pointer, i),
                 "must be a role a run may lack (agent_thinking, tool_executing, tool_completed)",
                 value[i]);
        }
    }
    return roles;
}

std::vector<EventPairing> read_pairings(const nlohmann::json& value, const std::string& pointer) {
    if (!value.is_array()) {
        fail(pointer, "must be an array of pairings ({name, open, close, id_field})", value);
    }
    std::vector<EventPairing> pairings;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string item_pointer = detail::child_pointer(pointer, i);
        const nlohmann::json& item = value[i];
        profile_reader().require_object(item, item_pointer,
                                        "must be a pairing object ({name, open, close, id_field})");
        EventPairing pairing;
        for (const auto& [key, member] :
             {std::pair{"name", &EventPairing::name}, std::pair{"open", &EventPairing::open_type},
              std::pair{"close", &EventPairing::close_type},
              std::pair{"id_field", &EventPairing::id_field}}) {
            const auto found = item.find(key);
            if (found == item.end()) {
                fail(detail::child_pointer(item_pointer, key),
                     "must be present (a non-empty string)", nlohmann::json());
            }
            pairing.*member = read_name(*found, detail::child_pointer(item_pointer, key));
        }
        for (const auto& member : item.items()) {
            const std::string& key = member.key();
            if (key != "name" && key != "open" && key != "close" && key != "id_field") {
                fail(detail::child_pointer(item_pointer, key),
                     "must be a pairing key (name, open, close, id_field)", nlohmann::json(key));
            }
        }
        pairings.push_back(std::move(pairing));
    }
    return pairings;
}

// A template given as an object is the template; a string is its JSON text.
nlohmann::json read_start_template(const nlohmann::json& value, const std::string& pointer) {
    nlohmann::json start_template = value;
    if (value.is_string()) {
        const std::string& text = value.get_ref<const std::string&>();
        if (text.empty()) {
            fail(pointer, "must be a non-empty JSON object (or its JSON text)", value);
        }
        start_template = nlohmann::json::parse(text, nullptr, false);
        if (start_template.is_discarded()) {
            fail(pointer, "must be JSON text of an object", value);
        }
    } else if (value.is_null()) {
        fail(pointer, "must be a non-empty JSON object (or its JSON text)", value);
    }
    check_start_template(start_template);
    return start_template;
}

// One entry per profile key: how to read it into a profile and how to write it back. Keeping
// both directions in one table is what makes to_json the exact inverse of profile_from_json.
// (Adding a member to ProtocolProfile means adding its row to kKeys.)
struct KeyHandler {
    std::string_view key;
    void (*read)(const detail::JsonReader&, const nlohmann::json&, const std::string&,
                 ProtocolProfile&);
    void (*write)(const ProtocolProfile&, nlohmann::json&, const std::string&);
};

// The handler of a key that maps to one member, read by `Reader` and written as it is.
template <auto Member, auto Reader>
KeyHandler member_key(std::string_view key) {
    return KeyHandler{
        key,
        [](const detail::JsonReader& /*reader*/, const nlohmann::json& v, const std::string& ptr,
           ProtocolProfile& p) { p.*Member = Reader(v, ptr); },
        [](const ProtocolProfile& p, nlohmann::json& out, const std::string& name) {
            out[name] = p.*Member;
        }};
}

const std::array<KeyHandler, 36> kKeys = {{
    member_key<&ProtocolProfile::name, read_name>("name"),
    member_key<&ProtocolProfile::agent_started, read_name>("agent_started"),
    member_key<&ProtocolProfile::agent_thinking, read_name>("agent_thinking"),
    member_key<&ProtocolProfile::tool_executing, read_name>("tool_executing"),
    member_key<&ProtocolProfile::tool_completed, read_name>("tool_completed"),
    member_key<&ProtocolProfile::agent_completed, read_name>("agent_completed"),
    member_key<&ProtocolProfile::alternative_types, read_alternative_types>("alternative_types"),
    member_key<&ProtocolProfile::optional_roles, read_optional_roles>("optional_roles"),
    KeyHandler{
        "pairings",
        [](const detail::JsonReader& /*reader*/, const nlohmann::json& v, const std::string& ptr,
           ProtocolProfile& p) { p.pairings = read_pairings(v, ptr); },
        [](const ProtocolProfile& p, nlohmann::json& out, const std::string& key) {
            nlohmann::json pairings = nlohmann::json::array();
            for (const EventPairing& pairing : p.pairings) {
                pairings.push_back({{"name", pairing.name},
                                    {"open", pairing.open_type},
                                    {"close", pairing.close_type},
                                    {"id_field", pairing.id_field}});
            }
            out[key] = std::move(pairings);
        }},
    member_key<&ProtocolProfile::unknown_types_are_run_events, read_bool>(
        "unknown_types_are_run_events"),
    member_key<&ProtocolProfile::ready_type, read_string>("ready_type"),
    member_key<&ProtocolProfile::wait_for_ready, read_bool>("wait_for_ready"),
    member_key<&ProtocolProfile::ignored_types, read_strings>("ignored_types"),
    member_key<&ProtocolProfile::terminal_failure_types, read_strings>("terminal_failure_types"),
    member_key<&ProtocolProfile::error_message_fields, read_strings>("error_message_fields"),
    member_key<&ProtocolProfile::error_code_fields, read_strings>("error_code_fields"),
    member_key<&ProtocolProfile::auth_failure_codes, read_strings>("auth_failure_codes"),
    member_key<&ProtocolProfile::type_field, read_name>("type_field"),
    member_key<&ProtocolProfile::run_id_field, read_name>("run_id_field"),
    member_key<&ProtocolProfile::thread_id_field, read_name>("thread_id_field"),
    member_key<&ProtocolProfile::timestamp_field, read_name>("timestamp_field"),
    member_key<&ProtocolProfile::detail_containers, read_strings>("detail_containers"),
    member_key<&ProtocolProfile::required_fields, read_required_fields>("required_fields"),
    member_key<&ProtocolProfile::tool_name_field, read_name>("tool_name_field"),
    member_key<&ProtocolProfile::tool_call_id_fields, read_strings>("tool_call_id_fields"),
    member_key<&ProtocolProfile::require_tool, read_bool>("require_tool"),
    member_key<&ProtocolProfile::start_type, read_name>("start_type"),
    member_key<&ProtocolProfile::start_container, read_string>("start_container"),
    member_key<&ProtocolProfile::start_text_field, read_name>("start_text_field"),
    // Written only when set: null is the default start message, not a template.
    KeyHandler{
        "start_template",
        [](const detail::JsonReader& /*reader*/, const nlohmann::json& v, const std::string& ptr,
           ProtocolProfile& p) { p.start_template = read_start_template(v, ptr); },
        [](const ProtocolProfile& p, nlohmann::json& out, const std::string& key) {
            if (!p.start_template.is_null()) {
                out[key] = p.start_template;
            }
        }},
    // auth_methods is written as names, not as the enum's integers.
    KeyHandler{
        "auth_methods",
        [](const detail::JsonReader& /*reader*/, const nlohmann::json& v, const std::string& ptr,
           ProtocolProfile& p) { p.auth_methods = read_auth_methods(v, ptr); },
        [](const ProtocolProfile& p, nlohmann::json& out, const std::string& key) {
            nlohmann::json names = nlohmann::json::array();
            for (AuthMethod method : p.auth_methods) {
                names.push_back(detail::name_of(kAuthMethodNames, method, "header"));
            }
            out[key] = std::move(names);
        }},
    member_key<&ProtocolProfile::subprotocol_template, read_string>("subprotocol_template"),
    member_key<&ProtocolProfile::query_token_param, read_name>("query_token_param"),
    member_key<&ProtocolProfile::secret_query_params, read_strings>("secret_query_params"),
    member_key<&ProtocolProfile::path, read_string>("path"),
    member_key<&ProtocolProfile::max_json_depth, read_json_depth>("max_json_depth"),
}};

}  // namespace

std::string ProtocolProfile::start_message(std::string_view text, std::string_view thread_id,
                                           std::string_view run_id,
                                           std::string_view message_id) const {
    if (!start_template.is_null()) {
        const std::string id =
            message_id.empty() ? fmt::format("message-{}", run_id) : std::string(message_id);
        return detail::json_text(detail::filled_start_template(
            start_template, detail::StartValues{text, thread_id, run_id, id}));
    }
    nlohmann::json fields = nlohmann::json::object();
    fields[start_text_field] = text;
    fields[thread_id_field] = thread_id;
    fields[run_id_field] = run_id;
    nlohmann::json message = nlohmann::json::object();
    if (start_container.empty()) {
        message = std::move(fields);
    } else {
        message[start_container] = std::move(fields);
    }
    message[type_field] = start_type;
    return detail::json_text(message);
}

const nlohmann::json* ProtocolProfile::find_field(const nlohmann::json& body,
                                                  std::string_view field) const {
    if (!body.is_object()) {
        return nullptr;
    }
    for (const std::string& container : detail_containers) {
        const auto holder = body.find(container);
        if (holder == body.end() || !holder->is_object()) {
            continue;
        }
        const auto found = holder->find(field);
        if (found != holder->end() && !found->is_null()) {
            return &*found;
        }
    }
    const auto found = body.find(field);
    if (found != body.end() && !found->is_null()) {
        return &*found;
    }
    return nullptr;
}

namespace {

std::string first_field_text(const ProtocolProfile& profile, const nlohmann::json& body,
                             const std::vector<std::string>& fields) {
    for (const std::string& field : fields) {
        if (const nlohmann::json* value = profile.find_field(body, field)) {
            return value->is_string() ? value->get_ref<const std::string&>()
                                      : detail::json_text(*value);
        }
    }
    return {};
}

}  // namespace

std::string ProtocolProfile::server_message(const nlohmann::json& body) const {
    std::string message = first_field_text(*this, body, error_message_fields);
    if (!error_code_fields.empty()) {
        if (const std::string code = first_field_text(*this, body, error_code_fields);
            !code.empty()) {
            message = message.empty() ? fmt::format("code {}", code)
                                      : fmt::format("{} (code {})", message, code);
        }
    }
    return detail::bounded(message, detail::kMaxServerMessageBytes);
}

bool ProtocolProfile::is_ignored(std::string_view type) const {
    return contains(ignored_types, type);
}

bool ProtocolProfile::is_terminal_failure(std::string_view type) const {
    return contains(terminal_failure_types, type);
}

bool ProtocolProfile::is_golden_path_type(std::string_view type) const {
    if (type == agent_started || type == agent_thinking || type == tool_executing ||
        type == tool_completed || type == agent_completed) {
        return true;
    }
    return std::any_of(alternative_types.begin(), alternative_types.end(),
                       [&](const auto& role) { return contains(role.second, type); });
}

std::string ProtocolProfile::subprotocol_for(std::string_view token) const {
    static constexpr std::string_view kPlaceholder = "{token}";
    std::string result;
    result.reserve(subprotocol_template.size() + token.size());
    std::string_view rest = subprotocol_template;
    for (auto at = rest.find(kPlaceholder); at != std::string_view::npos;
         at = rest.find(kPlaceholder)) {
        result.append(rest.substr(0, at));
        result.append(token);
        rest.remove_prefix(at + kPlaceholder.size());
    }
    result.append(rest);
    return result;
}

ProtocolProfile default_profile() {
    return ProtocolProfile{};
}

ProtocolProfile profile_from_json(const nlohmann::json& json) {
    profile_reader().require_object(json, "", "must be a JSON object");
    ProtocolProfile profile = default_profile();
    detail::read_members(
        profile_reader(), json, "", kKeys,
        fmt::format("must be a known profile key ({})", detail::member_keys(kKeys)), profile);
    return profile;
}

nlohmann::json to_json(const ProtocolProfile& profile) {
    nlohmann::json json = nlohmann::json::object();
    for (const KeyHandler& handler : kKeys) {
        handler.write(profile, json, std::string(handler.key));
    }
    return json;
}

ProtocolProfile load_profile(const std::filesystem::path& path) {
    return profile_from_json(read_json_file(path, kErrorId));
}

}  // namespace goldenpath
