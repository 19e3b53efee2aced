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

#include <nlohmann/json.hpp>

#include "goldenpath/clock.hpp"
#include "goldenpath/proxy_rules.hpp"
#include "goldenpath/secret.hpp"
#include "goldenpath/sla_expression.hpp"
#include "goldenpath/url.hpp"

namespace goldenpath {

enum class DeploymentEnvironment { development, staging, production };

std::string_view to_string(DeploymentEnvironment environment) noexcept;
// "development", "staging", "production" (case-insensitive); else ConfigError naming `field`.
DeploymentEnvironment parse_environment(std::string_view text, std::string_view field);
// Writes to_string(environment); also what GoogleTest prints.
std::ostream& operator<<(std::ostream& out, DeploymentEnvironment environment);

// Deadline of each journey phase (docs/wire-contract.md "Deadlines and gaps").
struct Timeouts {
    Milliseconds connect{1000};
    Milliseconds tls{1000};
    Milliseconds upgrade{1000};
    Milliseconds ready{1000};
    Milliseconds first_event{2000};
    Milliseconds completion{10000};  // whole run, from the start message
    Milliseconds max_gap{5000};      // silence between run events before `stalled`
    Milliseconds close{500};         // graceful close handshake
    Milliseconds linger{0};          // keep reading after completion

    Timeouts();  // the values above times GOLDENPATH_TIMEOUT_SCALE (goldenpath/timeout_scale.hpp)
    static Timeouts defaults_for(DeploymentEnvironment environment);
    friend bool operator==(const Timeouts&, const Timeouts&) = default;
};
std::ostream& operator<<(std::ostream& out, const Timeouts& timeouts);  // every deadline

// Connection retries (docs/wire-contract.md). Backoff before attempt n (n >= 1) is
// min(initial * multiplier^(n-1), max) with +-jitter fraction; the overall deadline bounds all.
struct RetryPolicy {
    int max_attempts = 1;  // per URL, >= 1
    Milliseconds initial_backoff{100};
    double multiplier = 2.0;
    Milliseconds max_backoff{2000};
    double jitter = 0.2;  // 0..1
    Milliseconds overall_deadline{10000};

    RetryPolicy();  // overall_deadline times GOLDENPATH_TIMEOUT_SCALE

    // Backoff before retry number `retry` (1 = first retry), without jitter.
    Milliseconds backoff_before(int retry) const;

    static RetryPolicy defaults_for(DeploymentEnvironment environment);
    friend bool operator==(const RetryPolicy&, const RetryPolicy&) = default;
};
std::ostream& operator<<(std::ostream& out, const RetryPolicy& policy);  // every setting

// Reads one environment variable; injectable so tests never touch the process environment.
using EnvironmentLookup = std::function<std::optional<std::string>(std::string_view name)>;
// Reads the real process environment (getenv).
EnvironmentLookup process_environment();

// Where and how to reach the agent endpoint. Build it from the environment (the GOLDENPATH_*
// variables of docs/staging-and-load.md), from JSON, or field by field; validate() checks the
// invariants.
struct EndpointConfig {
    Url url;
    std::vector<Url> fallback_urls;  // tried in order after `url`
    std::vector<Secret> tokens;      // handed to users in turn; empty = no auth
    std::optional<std::filesystem::path> ca_file;
    bool insecure_skip_verify = false;
    DeploymentEnvironment environment = DeploymentEnvironment::development;
    Timeouts timeouts = Timeouts::defaults_for(DeploymentEnvironment::development);
    RetryPolicy retry = RetryPolicy::defaults_for(DeploymentEnvironment::development);
    int users = 1;
    std::vector<SlaExpression> sla;  // parsed where they are read (GOLDENPATH_SLA, "sla")
    std::optional<std::filesystem::path> profile_path;
    std::vector<std::pair<std::string, std::string>> extra_headers;  // e.g. Origin
    // wss:// mutual TLS: a client certificate (PEM, may hold the chain) and its key (PEM; without
    // it the key is read from the certificate file).
    std::optional<std::filesystem::path> client_certificate_file;
    std::optional<std::filesystem::path> client_key_file;
    // Transport settings handed to every ConnectRequest (see websocket_client.hpp).
    std::size_t max_message_bytes = 16U * 1024U * 1024U;  // 0 = no limit
    // Run events a journey judges; the one after the last fails it as
    // protocol_violation(too_many_events). 0 = no limit.
    std::size_t max_events_per_run = 100'000;
    std::optional<Milliseconds> keepalive;  // ping after this much silence
    bool permessage_deflate = false;
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
    // `Authorization: Bearer <token>` for user `user`; nullopt without tokens.
    std::optional<std::pair<std::string, std::string>> auth_header(std::size_t user) const;
    // Throws ConfigError on the first invalid field.
    void validate() const;
    // Human summary; tokens appear as ***.
    std::string to_string() const;

    // True when GOLDENPATH_STAGING_URL is set (non-empty).
    static bool staging_configured(const EnvironmentLookup& env);
    // Reads every GOLDENPATH_* variable. GOLDENPATH_STAGING_URL is required here; the variable
    // names appear in every ConfigError. Token files are read here (one token per line, blank lines
    // and lines starting with # skipped). The proxy comes from https_proxy (then HTTPS_PROXY) when
    // GOLDENPATH_STAGING_URL is wss://, from http_proxy (then HTTP_PROXY) when it is ws://, and
    // no_proxy (then NO_PROXY) lists the bypassed targets. Loopback targets are not bypassed
    // implicitly (as with curl): list them in no_proxy when a proxy is set.
    static EndpointConfig from_environment(const EnvironmentLookup& env);
    // Keys: url, fallback_urls, token, tokens, token_file, ca_file, insecure_skip_verify,
    // environment, timeouts_ms {connect,...}, retry {max_attempts, initial_backoff_ms, multiplier,
    // max_backoff_ms, jitter, overall_deadline_ms}, users, sla, profile, headers,
    // client_certificate_file, client_key_file, max_message_bytes, keepalive_ms,
    // permessage_deflate, proxy ("http://host:port"), no_proxy (array of entries or a
    // comma-separated string). Unknown keys throw.
    static EndpointConfig from_json(const nlohmann::json& json);
};

// Reads a token file: one token per line; ConfigError naming `field` when unreadable or empty.
std::vector<Secret> read_token_file(const std::filesystem::path& path, std::string_view field);

}  // namespace goldenpath
