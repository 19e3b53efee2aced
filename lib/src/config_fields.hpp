// What the readers of EndpointConfig (environment, JSON, validate) share: where an error is
// reported, and the checks of fields that both the environment and JSON set.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "goldenpath/config_error.hpp"
#include "goldenpath/endpoint_config.hpp"
#include "goldenpath/sla_expression.hpp"

namespace goldenpath::detail {

inline constexpr std::string_view kEnvErrorId = "goldenpath.env";
inline constexpr std::string_view kConfigErrorId = "goldenpath.config";

// Longest deadline we accept: one day, so that adding it to a time_point cannot overflow.
inline constexpr long long kMaxDurationMs = 86'400'000;
inline constexpr long long kMaxTimeoutMs = 3'600'000;
inline constexpr std::string_view kProxyRequirement = "must be an http://host:port proxy URL";

// Every timeout with its JSON key, in the order they are read and printed.
using TimeoutField = std::pair<std::string_view, Milliseconds Timeouts::*>;
inline constexpr std::array<TimeoutField, 9> kTimeoutFields{{
    {"connect", &Timeouts::connect},
    {"tls", &Timeouts::tls},
    {"upgrade", &Timeouts::upgrade},
    {"ready", &Timeouts::ready},
    {"first_event", &Timeouts::first_event},
    {"completion", &Timeouts::completion},
    {"max_gap", &Timeouts::max_gap},
    {"close", &Timeouts::close},
    {"linger", &Timeouts::linger},
}};

// "goldenpath.config" for a JSON pointer (starting with '/', or empty: the root),
// "goldenpath.env" for a variable or flag name.
std::string error_id_for(std::string_view field);
// ConfigError(error_id_for(field), field, requirement, actual).
[[noreturn]] void fail_field(std::string_view field, std::string_view requirement,
                             std::string actual);
// URL text as it may appear in an error: secrets redacted, "\"\"" when empty.
std::string shown_url(std::string_view text);
// Url::parse with the error re-addressed to `field`, `prefix` before its requirement.
Url parse_url_as(std::string_view text, std::string_view field, std::string_view prefix);
// A bearer token goes into a header: non-empty, no whitespace or control characters. Never quoted.
void check_token(std::string_view token, std::string_view field);
// A regular file, else ConfigError naming `field` with `requirement`.
void check_file(const std::filesystem::path& path, std::string_view field,
                std::string_view requirement);
// The same error with every token's text removed from the quoted value (defence in depth: a token
// may sit in a URL under a parameter name other than token=).
ConfigError redacted(const ConfigError& error, const std::vector<Secret>& tokens);
// The SLA expressions of GOLDENPATH_SLA's form: separated by ';', each trimmed, empty ones skipped.
std::vector<SlaExpression> parse_sla_list(std::string_view text, std::string_view field);
// A variable's value; set but empty counts as unset (an exported but empty variable is a common
// leftover).
std::optional<std::string> env_value(const EnvironmentLookup& env, std::string_view name);
// The variable as an integer min-max, `fallback` when unset; ConfigError naming it otherwise.
long long env_integer(const EnvironmentLookup& env, std::string_view name, long long min,
                      long long max, long long fallback);

}  // namespace goldenpath::detail
