#pragma once

#include <cstddef>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "goldenpath/endpoint_config.hpp"
#include "goldenpath/sla_expression.hpp"

namespace goldenpath {

// The shape of a load run: how many users run at once and the SLA its results are judged by.
// LoadRunOptions is one (its base); the staging fixture reads one for its multi-user tests.
// GOLDENPATH_USERS and GOLDENPATH_SLA give it, or a JSON config's "users" and "sla"; every other
// variable and key is EndpointConfig's.
// Threads: a value type; const members only read.
struct LoadSettings {
    std::size_t users = 1;           // 1..kMaxLoadUsers (user_limits.hpp)
    std::vector<SlaExpression> sla;  // evaluated into LoadReport::slas, in order

    // Throws ConfigError naming /users when users is out of range.
    void validate() const;

    // GOLDENPATH_USERS (default 1) and GOLDENPATH_SLA (semicolon-separated expressions) of a load
    // against `endpoint`. Errors name the variable and never quote the endpoint's tokens (a token
    // pasted into GOLDENPATH_SLA stays secret).
    static LoadSettings from_environment(const EnvironmentLookup& env,
                                         const EndpointConfig& endpoint);
    // The keys "users" (integer) and "sla" (an array of expressions, or one string in
    // GOLDENPATH_SLA's form) of a config object, which may hold EndpointConfig's keys too. Errors
    // name the JSON pointer (/users, /sla/1) and never quote the endpoint's tokens.
    static LoadSettings from_json(const nlohmann::json& json, const EndpointConfig& endpoint);
};

}  // namespace goldenpath
