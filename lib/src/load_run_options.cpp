// LoadRunOptions read whole: the endpoint's settings, the load's (users, sla) and the profile.
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "goldenpath/load_run.hpp"
#include "goldenpath/shipped_profiles.hpp"

namespace goldenpath {

LoadRunOptions LoadRunOptions::from_environment(const EnvironmentLookup& env) {
    LoadRunOptions options;
    options.config = EndpointConfig::from_environment(env);
    static_cast<LoadSettings&>(options) = LoadSettings::from_environment(env, options.config);
    if (options.config.profile_path) {
        options.profile =
            resolve_profile(options.config.profile_path->string(), "GOLDENPATH_PROFILE");
    }
    return options;
}

LoadRunOptions LoadRunOptions::from_json(const nlohmann::json& json) {
    LoadRunOptions options;
    if (json.is_object()) {
        // The endpoint first: the load's errors must not quote its tokens.
        nlohmann::json endpoint = json;
        endpoint.erase("users");
        endpoint.erase("sla");
        options.config = EndpointConfig::from_json(endpoint);
    }
    static_cast<LoadSettings&>(options) = LoadSettings::from_json(json, options.config);
    if (options.config.profile_path) {
        options.profile = resolve_profile(options.config.profile_path->string(), "/profile");
    }
    return options;
}

}  // namespace goldenpath
