// LoadSettings: GOLDENPATH_USERS and GOLDENPATH_SLA, or a config's "users" and "sla".
#include "goldenpath/load_settings.hpp"

#include <string>

#include <nlohmann/json.hpp>

#include "config_fields.hpp"
#include "goldenpath/user_limits.hpp"
#include "json_reader.hpp"
#include "text_helpers.hpp"

namespace goldenpath {

namespace {

using detail::JsonReader;

// An array of expressions, or the GOLDENPATH_SLA form: one string, semicolon-separated.
std::vector<SlaExpression> json_sla(const JsonReader& reader, const nlohmann::json& value,
                                    const std::string& pointer) {
    if (value.is_string()) {
        return detail::parse_sla_list(value.get_ref<const std::string&>(), pointer);
    }
    if (!value.is_array()) {
        reader.fail(pointer, "must be an array of SLA expressions", value);
    }
    std::vector<SlaExpression> expressions;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string element = detail::child_pointer(pointer, i);
        expressions.push_back(
            SlaExpression::parse(detail::trim(reader.string(value[i], element)), element));
    }
    return expressions;
}

}  // namespace

void LoadSettings::validate() const {
    if (users < 1 || users > kMaxLoadUsers) {
        detail::fail_field("/users", kUsersRequirement, std::to_string(users));
    }
}

LoadSettings LoadSettings::from_environment(const EnvironmentLookup& env,
                                            const EndpointConfig& endpoint) {
    LoadSettings settings;
    try {
        settings.users = static_cast<std::size_t>(detail::env_integer(
            env, "GOLDENPATH_USERS", 1, static_cast<long long>(kMaxLoadUsers), 1));
        if (const std::optional<std::string> sla = detail::env_value(env, "GOLDENPATH_SLA")) {
            settings.sla = detail::parse_sla_list(*sla, "GOLDENPATH_SLA");
        }
    } catch (const ConfigError& error) {
        throw detail::redacted(error, endpoint.tokens);
    }
    return settings;
}

LoadSettings LoadSettings::from_json(const nlohmann::json& json, const EndpointConfig& endpoint) {
    const JsonReader reader{std::string(detail::kConfigErrorId)};
    LoadSettings settings;
    try {
        reader.require_object(json, "");
        if (const auto users = json.find("users"); users != json.end()) {
            settings.users = static_cast<std::size_t>(reader.integer(
                *users, "/users", 1, static_cast<long long>(kMaxLoadUsers), kUsersRequirement));
        }
        if (const auto sla = json.find("sla"); sla != json.end()) {
            settings.sla = json_sla(reader, *sla, "/sla");
        }
    } catch (const ConfigError& error) {
        throw detail::redacted(error, endpoint.tokens);
    }
    return settings;
}

}  // namespace goldenpath
