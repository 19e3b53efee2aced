#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "goldenpath/clock.hpp"
#include "goldenpath/deployment_environment.hpp"
#include "goldenpath/proxy_rules.hpp"
#include "goldenpath/retry_policy.hpp"
#include "goldenpath/secret.hpp"
#include "goldenpath/timeouts.hpp"
#include "goldenpath/tls_options.hpp"
#include "goldenpath/transport_options.hpp"
#include "goldenpath/url.hpp"

namespace goldenpath {

// Reads one environment variable; injectable so tests never touch the process environment.
using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view name)>;
// Reads the real process environment (getenv).
EnvironmentLookup process_environment();

// Where and how to reach the agent endpoint. Build it from the environment (the GOLDENPATH_*
// variables of docs/staging-and-load.md), from JSON, or field by field; validate() checks the
// invariants.
// The TLS settings (ca_file, insecure_skip_verify, client_certificate_file, client_key_file) and
// the transport ones (max_message_bytes, permessage_deflate, keepalive) are the members of its
// bases, which every ConnectRequest of a journey takes as they are.
struct EndpointConfig : TlsOptions, TransportOptions {
    Url url;
    std::vector<Url> fallback_urls;  // tried in order after `url`
    std::vector<Secret> tokens;      // handed to users in turn; empty = no auth
    DeploymentEnvironment environment = DeploymentEnvironment::development;
    Timeouts timeouts = Timeouts::defaults_for(DeploymentEnvironment::development);
    RetryPolicy retry = RetryPolicy::defaults_for(DeploymentEnvironment::development);
    // A protocol profile file, or a shipped profile's name ("ag-ui"): read it with
    // resolve_profile(profile_path->string()).
    std::optional<std::filesystem::path> profile_path;
    std::vector<std::pair<std::string, std::string>> extra_headers;  // e.g. Origin
    // Run events a journey judges; the one after the last fails it as
    // protocol_violation(too_many_events). 0 = no limit.
    std::size_t max_events_per_run = 100'000;
    // An HTTP CONNECT proxy (scheme "http", see parse_proxy_url in proxy_rules.hpp) that every
    // connection is tunnelled through, except to targets that no_proxy lists (see bypasses_proxy).
    std::optional<Url> proxy;
    std::vector<std::string> no_proxy;

    // The proxy for `target`: `proxy` unless no_proxy bypasses the target.
    std::optional<Url> proxy_for(const Url& target) const;
    // All URLs in the order they are tried.
    std::vector<Url> candidate_urls() const;
    // The token of user `user` (round robin), or nullptr when there is none.
    const Secret* token_for(std::size_t user) const;
    // Throws ConfigError on the first invalid field.
    void validate() const;
    // Human summary; tokens appear as ***.
    std::string to_string() const;

    // True when GOLDENPATH_STAGING_URL is set (non-empty).
    static bool staging_configured(const EnvironmentLookup& env);
    // Reads the endpoint's GOLDENPATH_* variables (all but GOLDENPATH_USERS and GOLDENPATH_SLA,
    // which LoadSettings reads). GOLDENPATH_STAGING_URL is required here; the variable
    // names appear in every ConfigError. Token files are read here (one token per line, blank lines
    // and lines starting with # skipped). The proxy comes from https_proxy (then HTTPS_PROXY) when
    // GOLDENPATH_STAGING_URL is wss://, from http_proxy (then HTTP_PROXY) when it is ws://, and
    // no_proxy (then NO_PROXY) lists the bypassed targets. Loopback targets are not bypassed
    // implicitly (as with curl): list them in no_proxy when a proxy is set.
    static EndpointConfig from_environment(const EnvironmentLookup& env);
    // Keys: url, fallback_urls, token, tokens, token_file, ca_file, insecure_skip_verify,
    // environment, timeouts_ms {connect,...}, retry {max_attempts, initial_backoff_ms, multiplier,
    // max_backoff_ms, jitter, overall_deadline_ms}, profile, headers, client_certificate_file,
    // client_key_file, max_message_bytes, keepalive_ms, permessage_deflate, proxy
    // ("http://host:port"), no_proxy (array of entries or a comma-separated string), and
    // max_events_per_run. Unknown keys throw; "users" and "sla" throw naming
    // LoadRunOptions::from_json, which reads a load run's whole config.
    static EndpointConfig from_json(const nlohmann::json& json);
};

// Reads a token file: one token per line; ConfigError naming `field` when unreadable or empty.
std::vector<Secret> read_token_file(const std::filesystem::path& path, std::string_view field);

}  // namespace goldenpath
