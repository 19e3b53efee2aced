// EndpointConfig itself: its invariants (validate) and its summary (to_string). Reading it is
// endpoint_environment.cpp and endpoint_json.cpp; proxy rules, SLAs and the deployment defaults
// have their own files.
#include "goldenpath/endpoint_config.hpp"

#include <cmath>
#include <string>

#include <fmt/format.h>

#include "config_fields.hpp"
#include "goldenpath/proxy_rules.hpp"
#include "json_reader.hpp"
#include "text_helpers.hpp"

namespace goldenpath {

namespace {

using detail::child_pointer;
using detail::fail_field;
using detail::join;

}  // namespace

std::optional<Url> EndpointConfig::proxy_for(const Url& target) const {
    if (!proxy || bypasses_proxy(target, no_proxy)) {
        return std::nullopt;
    }
    return proxy;
}

std::vector<Url> EndpointConfig::candidate_urls() const {
    std::vector<Url> urls;
    urls.reserve(1 + fallback_urls.size());
    urls.push_back(url);
    urls.insert(urls.end(), fallback_urls.begin(), fallback_urls.end());
    return urls;
}

const Secret* EndpointConfig::token_for(std::size_t user) const {
    return tokens.empty() ? nullptr : &tokens[user % tokens.size()];
}

void EndpointConfig::validate() const {
    if (retry.max_attempts < 1) {
        fail_field("/retry/max_attempts", "must be a positive integer",
                   std::to_string(retry.max_attempts));
    }
    if (!(retry.jitter >= 0.0 && retry.jitter <= 1.0)) {
        fail_field("/retry/jitter", "must be a number 0-1", fmt::format("{}", retry.jitter));
    }
    if (!(retry.multiplier >= 1.0) || !std::isfinite(retry.multiplier)) {
        fail_field("/retry/multiplier", "must be a number of at least 1",
                   fmt::format("{}", retry.multiplier));
    }
    if (retry.initial_backoff.count() < 0) {
        fail_field("/retry/initial_backoff_ms", "must be a non-negative integer",
                   std::to_string(retry.initial_backoff.count()));
    }
    if (retry.max_backoff.count() < 0) {
        fail_field("/retry/max_backoff_ms", "must be a non-negative integer",
                   std::to_string(retry.max_backoff.count()));
    }
    if (retry.overall_deadline.count() <= 0) {
        fail_field("/retry/overall_deadline_ms", "must be a positive integer",
                   std::to_string(retry.overall_deadline.count()));
    }
    for (const auto& [name, member] : detail::kTimeoutFields) {
        const long long value = (timeouts.*member).count();
        if (name == "linger" ? value < 0 : value <= 0) {
            fail_field(
                child_pointer("/timeouts_ms", name),
                name == "linger" ? "must be a non-negative integer" : "must be a positive integer",
                std::to_string(value));
        }
    }
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        detail::check_token(tokens[i].reveal(), child_pointer("/tokens", i));
    }
    if (ca_file) {
        detail::check_file(*ca_file, "/ca_file", "must name an existing CA certificate file");
    }
    if (client_key_file && !client_certificate_file) {
        fail_field("/client_key_file", "must come with client_certificate_file",
                   fmt::format("\"{}\"", client_key_file->string()));
    }
    if (keepalive && keepalive->count() <= 0) {
        fail_field("/keepalive_ms", "must be a positive integer",
                   std::to_string(keepalive->count()));
    }
    if (proxy && !is_proxy_url(*proxy)) {
        fail_field("/proxy", detail::kProxyRequirement, proxy->to_string());
    }
    for (std::size_t i = 0; i < no_proxy.size(); ++i) {
        parse_no_proxy_entry(no_proxy[i], child_pointer("/no_proxy", i));
    }
}

std::string EndpointConfig::to_string() const {
    std::vector<std::string> fallbacks;
    fallbacks.reserve(fallback_urls.size());
    for (const Url& fallback : fallback_urls) {
        fallbacks.push_back(fallback.to_string());
    }
    std::vector<std::string> timeout_parts;
    timeout_parts.reserve(detail::kTimeoutFields.size());
    for (const auto& [name, member] : detail::kTimeoutFields) {
        timeout_parts.push_back(fmt::format("{}={}", name, (timeouts.*member).count()));
    }
    std::vector<std::string> header_names;  // values may be credentials
    for (const auto& header : extra_headers) {
        header_names.push_back(header.first + ": ***");
    }
    std::string text;
    text += fmt::format("url: {}\n", url.to_string());
    text += fmt::format("fallback_urls: {}\n", fallbacks.empty() ? "none" : join(fallbacks, ", "));
    text += tokens.empty() ? std::string("tokens: none\n")
                           : fmt::format("tokens: {} ({} token{})\n", Secret::redacted(),
                                         tokens.size(), tokens.size() == 1 ? "" : "s");
    text += fmt::format("ca_file: {}\n", ca_file ? ca_file->string() : "system default");
    text += fmt::format("insecure_skip_verify: {}\n", insecure_skip_verify);
    text += fmt::format("environment: {}\n", goldenpath::to_string(environment));
    text += fmt::format("timeouts_ms: {}\n", join(timeout_parts, " "));
    text += fmt::format(
        "retry: max_attempts={} initial_backoff_ms={} multiplier={} max_backoff_ms={} jitter={} "
        "overall_deadline_ms={}\n",
        retry.max_attempts, retry.initial_backoff.count(), retry.multiplier,
        retry.max_backoff.count(), retry.jitter, retry.overall_deadline.count());
    text += fmt::format("profile: {}\n", profile_path ? profile_path->string() : "default");
    text += fmt::format("headers: {}\n", header_names.empty() ? "none" : join(header_names, ", "));
    text += fmt::format("client_certificate_file: {}\n",
                        client_certificate_file ? client_certificate_file->string() : "none");
    text += fmt::format(
        "max_message_bytes: {} keepalive_ms: {} permessage_deflate: {}", max_message_bytes,
        keepalive ? std::to_string(keepalive->count()) : std::string("off"), permessage_deflate);
    text += fmt::format("\nproxy: {} no_proxy: {}", proxy ? proxy->to_string() : "none",
                        no_proxy.empty() ? "none" : join(no_proxy, ","));
    // A token may also sit in a URL under another parameter name or in the path.
    for (const Secret& token : tokens) {
        text = redact(std::move(text), token.reveal());
    }
    return text;
}

}  // namespace goldenpath
