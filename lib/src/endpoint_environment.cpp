// EndpointConfig::from_environment: the GOLDENPATH_* variables (docs/staging-and-load.md) and the
// proxy variables.
#include <array>
#include <cstdlib>

#include <fmt/format.h>

#include "config_fields.hpp"
#include "goldenpath/endpoint_config.hpp"
#include "goldenpath/proxy_rules.hpp"
#include "goldenpath/shipped_profiles.hpp"
#include "strict_integer.hpp"
#include "text_helpers.hpp"

namespace goldenpath {

namespace {

using detail::check_file;
using detail::check_token;
using detail::env_integer;
using detail::env_value;
using detail::fail_field;
using detail::parse_url_as;
using detail::shown;
using detail::split;
using detail::trim;

std::vector<Secret> env_tokens(const EnvironmentLookup& env) {
    const std::optional<std::string> token = env_value(env, "GOLDENPATH_TOKEN");
    const std::optional<std::string> token_file = env_value(env, "GOLDENPATH_TOKEN_FILE");
    if (token && token_file) {
        fail_field("GOLDENPATH_TOKEN", "must not be set together with GOLDENPATH_TOKEN_FILE",
                   fmt::format("set (and GOLDENPATH_TOKEN_FILE={})", *token_file));
    }
    if (token) {
        const std::string_view trimmed = trim(*token);
        check_token(trimmed, "GOLDENPATH_TOKEN");
        return {Secret(std::string(trimmed))};
    }
    if (token_file) {
        return read_token_file(*token_file, "GOLDENPATH_TOKEN_FILE");
    }
    return {};
}

void read_env_urls(const EnvironmentLookup& env, EndpointConfig& config) {
    const std::optional<std::string> url = env_value(env, "GOLDENPATH_STAGING_URL");
    if (!url || trim(*url).empty()) {
        fail_field("GOLDENPATH_STAGING_URL", "must be set to a ws:// or wss:// URL", "unset");
    }
    config.url = parse_url_as(trim(*url), "GOLDENPATH_STAGING_URL", "");
    if (const std::optional<std::string> fallbacks = env_value(env, "GOLDENPATH_FALLBACK_URLS")) {
        std::size_t index = 0;
        for (const std::string_view entry : split(*fallbacks, ',')) {
            ++index;
            const std::string_view trimmed = trim(entry);
            if (!trimmed.empty()) {  // tolerate "a,b," and "a,,b"
                config.fallback_urls.push_back(parse_url_as(trimmed, "GOLDENPATH_FALLBACK_URLS",
                                                            fmt::format("entry {} ", index)));
            }
        }
    }
}

// The proxy variable follows the primary URL's scheme; lower case wins, as with curl.
void read_env_proxy(const EnvironmentLookup& env, EndpointConfig& config) {
    const std::array<std::string_view, 2> proxy_names =
        config.url.tls() ? std::array<std::string_view, 2>{"https_proxy", "HTTPS_PROXY"}
                         : std::array<std::string_view, 2>{"http_proxy", "HTTP_PROXY"};
    for (const std::string_view name : proxy_names) {
        if (const std::optional<std::string> proxy = env_value(env, name)) {
            config.proxy = parse_proxy_url(*proxy, name);
            break;
        }
    }
    for (const std::string_view name : {"no_proxy", "NO_PROXY"}) {
        if (const std::optional<std::string> no_proxy = env_value(env, name)) {
            config.no_proxy = parse_no_proxy(*no_proxy, name);
            break;
        }
    }
}

void read_env_settings(const EnvironmentLookup& env, EndpointConfig& config) {
    if (const std::optional<std::string> ca_file = env_value(env, "GOLDENPATH_CA_FILE")) {
        check_file(*ca_file, "GOLDENPATH_CA_FILE", "must name an existing CA certificate file");
        config.ca_file = *ca_file;
    }
    for (const auto& [name, member] :
         {std::pair{"GOLDENPATH_CLIENT_CERTIFICATE_FILE", &EndpointConfig::client_certificate_file},
          std::pair{"GOLDENPATH_CLIENT_KEY_FILE", &EndpointConfig::client_key_file}}) {
        if (const std::optional<std::string> path = env_value(env, name)) {
            check_file(*path, name, "must name an existing PEM file");
            config.*member = *path;
        }
    }
    // The environment sets the defaults first; the variables below override them.
    if (const std::optional<std::string> environment = env_value(env, "GOLDENPATH_ENV")) {
        config.environment = parse_environment(*environment, "GOLDENPATH_ENV");
    }
    config.timeouts = Timeouts::defaults_for(config.environment);
    config.retry = RetryPolicy::defaults_for(config.environment);
    config.timeouts.completion =
        Milliseconds{env_integer(env, "GOLDENPATH_TIMEOUT_MS", 1, detail::kMaxTimeoutMs,
                                 config.timeouts.completion.count())};
    if (const std::optional<std::string> profile = env_value(env, "GOLDENPATH_PROFILE")) {
        // A path (with '/' or ending in .json) must be a file; else a shipped profile's name.
        if (is_profile_path(*profile)) {
            check_file(*profile, "GOLDENPATH_PROFILE",
                       "must name an existing protocol profile file");
        } else {
            check_profile_name(*profile, "GOLDENPATH_PROFILE");
        }
        config.profile_path = *profile;
    }
}

}  // namespace

EnvironmentLookup process_environment() {
    return [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        if (value == nullptr) {
            return std::nullopt;
        }
        return std::string(value);
    };
}

bool EndpointConfig::staging_configured(const EnvironmentLookup& env) {
    const std::optional<std::string> url = env_value(env, "GOLDENPATH_STAGING_URL");
    return url && !trim(*url).empty();
}

EndpointConfig EndpointConfig::from_environment(const EnvironmentLookup& env) {
    EndpointConfig config;
    // Tokens first, so that every later error can be scrubbed of them.
    config.tokens = env_tokens(env);
    try {
        read_env_urls(env, config);
        read_env_settings(env, config);
        read_env_proxy(env, config);
        config.validate();
    } catch (const ConfigError& error) {
        throw detail::redacted(error, config.tokens);
    }
    return config;
}

}  // namespace goldenpath
