// EndpointConfig::from_json: one row per key (kConfigMembers), read by the shared JsonReader.
#include <array>
#include <cstdint>
#include <optional>

#include <fmt/format.h>

#include "config_fields.hpp"
#include "goldenpath/endpoint_config.hpp"
#include "goldenpath/proxy_rules.hpp"
#include "goldenpath/shipped_profiles.hpp"
#include "json_reader.hpp"
#include "text_helpers.hpp"

namespace goldenpath {

namespace {

using detail::check_file;
using detail::check_token;
using detail::child_pointer;
using detail::JsonReader;
using detail::kMaxDurationMs;
using nlohmann::json;

constexpr long long kMaxMessageBytes = 1'073'741'824;

// One key of an object read into a `Target`.
template <typename Target>
struct JsonMember {
    std::string_view key;
    void (*read)(const JsonReader& reader, const json& value, const std::string& pointer,
                 Target& target);
};

std::string known_key_requirement(std::string_view keys) {
    return fmt::format("must be a known key ({})", keys);
}

// "ws://..." or {scheme, host, port, path} (scheme defaults to ws, port to the scheme's, path to
// /ws); errors of the object form name the member, e.g. /url/port.
struct UrlParts {
    std::string scheme = "ws";
    std::string host;
    std::optional<long long> port;
    std::string path = "/ws";
};

const std::array<JsonMember<UrlParts>, 4> kUrlMembers{{
    {"scheme", [](const JsonReader& reader, const json& value, const std::string& pointer,
                  UrlParts& url) { url.scheme = reader.string(value, pointer); }},
    {"host", [](const JsonReader& reader, const json& value, const std::string& pointer,
                UrlParts& url) { url.host = reader.string(value, pointer); }},
    {"port",
     [](const JsonReader& reader, const json& value, const std::string& pointer, UrlParts& url) {
         // The range itself is Url::build's to check (and to word).
         if (!value.is_number_integer() ||
             (value.is_number_unsigned() && value.get<std::uint64_t>() > 65535U)) {
             reader.fail(pointer, "must be 1-65535", value);
         }
         url.port = value.get<std::int64_t>();
     }},
    {"path", [](const JsonReader& reader, const json& value, const std::string& pointer,
                UrlParts& url) { url.path = reader.string(value, pointer); }},
}};

Url json_url(const JsonReader& reader, const json& value, const std::string& pointer) {
    if (value.is_string()) {
        return detail::parse_url_as(value.get_ref<const std::string&>(), pointer, "");
    }
    if (!value.is_object()) {
        reader.fail(pointer,
                    "must be a ws:// or wss:// URL or an object {scheme, host, port, path}", value);
    }
    UrlParts parts;
    detail::read_members(reader, value, pointer, kUrlMembers,
                         known_key_requirement(detail::member_keys(kUrlMembers)), parts);
    const long long port = parts.port.value_or(detail::lower_ascii(parts.scheme) == "wss" ||
                                                       detail::lower_ascii(parts.scheme) == "https"
                                                   ? 443
                                                   : 80);
    try {
        return Url::build(parts.scheme, parts.host, port, parts.path);
    } catch (const ConfigError& error) {
        throw ConfigError(error.id(), pointer + error.field(), error.requirement(), error.actual());
    }
}

// Token values are never quoted, whatever is wrong with them.
std::vector<Secret> json_tokens(const JsonReader& reader, const json& json_config) {
    constexpr std::array<std::string_view, 3> sources{"token", "tokens", "token_file"};
    std::optional<std::string_view> found;
    for (const std::string_view key : sources) {
        if (json_config.contains(key)) {
            if (found) {
                reader.fail_showing(child_pointer("", key),
                                    fmt::format("must not be set together with /{}", *found),
                                    "set");
            }
            found = key;
        }
    }
    const std::string redacted(Secret::redacted());
    if (json_config.contains("token")) {
        const json& token = json_config["token"];
        if (!token.is_string()) {
            reader.fail_showing("/token", "must be a string", redacted);
        }
        check_token(token.get_ref<const std::string&>(), "/token");
        return {Secret(token.get<std::string>())};
    }
    if (json_config.contains("tokens")) {
        const json& tokens = json_config["tokens"];
        if (!tokens.is_array()) {
            reader.fail_showing("/tokens", "must be an array of strings", redacted);
        }
        std::vector<Secret> secrets;
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            const std::string pointer = child_pointer("/tokens", i);
            if (!tokens[i].is_string()) {
                reader.fail_showing(pointer, "must be a string", redacted);
            }
            check_token(tokens[i].get_ref<const std::string&>(), pointer);
            secrets.emplace_back(tokens[i].get<std::string>());
        }
        return secrets;
    }
    if (json_config.contains("token_file")) {
        return read_token_file(reader.string(json_config["token_file"], "/token_file"),
                               "/token_file");
    }
    return {};
}

struct TimeoutMember {
    std::string_view key;
    Milliseconds Timeouts::*member = nullptr;

    void read(const JsonReader& reader, const json& value, const std::string& pointer,
              Timeouts& timeouts) const {
        const bool linger = key == "linger";
        timeouts.*member = Milliseconds{reader.integer(
            value, pointer, linger ? 0 : 1, kMaxDurationMs,
            linger ? "must be a non-negative integer" : "must be a positive integer")};
    }
};

constexpr auto kTimeoutMembers = [] {
    std::array<TimeoutMember, detail::kTimeoutFields.size()> members{};
    for (std::size_t i = 0; i < members.size(); ++i) {
        members[i] =
            TimeoutMember{detail::kTimeoutFields[i].first, detail::kTimeoutFields[i].second};
    }
    return members;
}();

// A duration of the retry policy: min..kMaxDurationMs.
template <Milliseconds RetryPolicy::*Member, long long Min>
JsonMember<RetryPolicy> retry_duration(std::string_view key) {
    return {key, [](const JsonReader& reader, const json& value, const std::string& pointer,
                    RetryPolicy& retry) {
                retry.*Member = Milliseconds{reader.integer(
                    value, pointer, Min, kMaxDurationMs,
                    Min == 0 ? "must be a non-negative integer" : "must be a positive integer")};
            }};
}

const std::array<JsonMember<RetryPolicy>, 6> kRetryMembers{{
    {"max_attempts",
     [](const JsonReader& reader, const json& value, const std::string& pointer,
        RetryPolicy& retry) {
         retry.max_attempts = static_cast<int>(
             reader.integer(value, pointer, 1, 1000, "must be a positive integer"));
     }},
    retry_duration<&RetryPolicy::initial_backoff, 0>("initial_backoff_ms"),
    {"multiplier",
     [](const JsonReader& reader, const json& value, const std::string& pointer,
        RetryPolicy& retry) {
         retry.multiplier = reader.number(value, pointer, 1.0, 1000.0, "must be a number 1-1000");
     }},
    retry_duration<&RetryPolicy::max_backoff, 0>("max_backoff_ms"),
    {"jitter",
     [](const JsonReader& reader, const json& value, const std::string& pointer,
        RetryPolicy& retry) {
         retry.jitter = reader.number(value, pointer, 0.0, 1.0, "must be a number 0-1");
     }},
    retry_duration<&RetryPolicy::overall_deadline, 1>("overall_deadline_ms"),
}};

// An array of entries, or the environment's comma-separated form.
std::vector<std::string> json_no_proxy(const JsonReader& reader, const json& value,
                                       const std::string& pointer) {
    if (value.is_string()) {
        return parse_no_proxy(value.get_ref<const std::string&>(), pointer);
    }
    if (!value.is_array()) {
        reader.fail(pointer, "must be an array of no_proxy entries or a comma-separated string",
                    value);
    }
    std::vector<std::string> entries;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string element = child_pointer(pointer, i);
        entries.push_back(parse_no_proxy_entry(reader.string(value[i], element), element));
    }
    return entries;
}

bool is_header_name(std::string_view name) noexcept {
    constexpr std::string_view symbols = "!#$%&'*+-.^_`|~";
    return !name.empty() && std::all_of(name.begin(), name.end(), [&](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               symbols.find(c) != std::string_view::npos;
    });
}

// Header values may be credentials (Authorization, Cookie): they are never quoted.
std::vector<std::pair<std::string, std::string>> json_headers(const JsonReader& reader,
                                                              const json& value,
                                                              const std::string& pointer) {
    reader.require_object(value, pointer);
    const std::string redacted(Secret::redacted());
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& item : value.items()) {
        const std::string field = child_pointer(pointer, item.key());
        if (!is_header_name(item.key())) {
            reader.fail(field, "must be an HTTP header name", json(item.key()));
        }
        if (!item.value().is_string()) {
            reader.fail_showing(field, "must be a string", redacted);
        }
        const auto& text = item.value().get_ref<const std::string&>();
        if (text.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
            reader.fail_showing(field, "must not contain CR, LF or NUL", redacted);
        }
        headers.emplace_back(item.key(), text);
    }
    return headers;
}

// A path to an existing file; `requirement` says which.
std::filesystem::path existing_file(const JsonReader& reader, const json& value,
                                    const std::string& pointer, std::string_view requirement) {
    const std::string& path = reader.string(value, pointer);
    check_file(path, pointer, requirement);
    return path;
}

constexpr std::string_view kPemRequirement = "must name an existing PEM file";

// Read by json_tokens before the rest, so that every later error can be scrubbed of them.
void read_before_the_rest(const JsonReader& /*reader*/, const json& /*value*/,
                          const std::string& /*pointer*/, EndpointConfig& /*config*/) {}

// Every key of the configuration, in the order of the unknown-key message and of reading.
const std::array<JsonMember<EndpointConfig>, 20> kConfigMembers{{
    {"url", [](const JsonReader& reader, const json& value, const std::string& pointer,
               EndpointConfig& config) { config.url = json_url(reader, value, pointer); }},
    {"fallback_urls",
     [](const JsonReader& reader, const json& value, const std::string& pointer,
        EndpointConfig& config) {
         if (!value.is_array()) {
             reader.fail_showing(pointer, "must be an array of URLs",
                                 detail::shown_url(detail::quoted_json(value)));
         }
         for (std::size_t i = 0; i < value.size(); ++i) {
             config.fallback_urls.push_back(json_url(reader, value[i], child_pointer(pointer, i)));
         }
     }},
    {"token", read_before_the_rest},
    {"tokens", read_before_the_rest},
    {"token_file", read_before_the_rest},
    {"ca_file",
     [](const JsonReader& reader, const json& value, const std::string& pointer,
        EndpointConfig& config) {
         config.ca_file =
             existing_file(reader, value, pointer, "must name an existing CA certificate file");
     }},
    {"insecure_skip_verify",
     [](const JsonReader& reader, const json& value, const std::string& pointer,
        EndpointConfig& config) { config.insecure_skip_verify = reader.boolean(value, pointer); }},
    // Before timeouts_ms and retry: the environment sets their defaults, they override them.
    {"environment",
     [](const JsonReader& reader, const json& value, const std::string& pointer,
        EndpointConfig& config) {
         const std::string& name =
             reader.string(value, pointer, "must be development, staging or production");
         try {
             config.environment = parse_environment(name, pointer);
         } catch (const ConfigError& error) {
             reader.fail_showing(error.field(), error.requirement(), error.actual());
         }
         config.timeouts = Timeouts::defaults_for(config.environment);
         config.retry = RetryPolicy::defaults_for(config.environment);
     }},
    {"timeouts_ms",
     [](const JsonReader& reader, const json& value, const std::string& pointer,
        EndpointConfig& config) {
         detail::read_members(reader, value, pointer, kTimeoutMembers,
                              known_key_requirement(detail::member_keys(kTimeoutMembers)),
                              config.timeouts);
     }},
    {"retry",
     [](const JsonReader& reader, const json& value, const std::string& pointer,
        EndpointConfig& config) {
         detail::read_members(reader, value, pointer, kRetryMembers,
                              known_key_requirement(detail::member_keys(kRetryMembers)),
                              config.retry);
     }},
    {"profile",
     [](const JsonReader& reader, const json& value, const std::string& pointer,
        EndpointConfig& config) {
         // A path (with '/' or ending in .json) must be a file; else a shipped profile's name.
         if (value.is_string() && !is_profile_path(value.get_ref<const std::string&>())) {
             check_profile_name(value.get_ref<const std::string&>(), pointer);
             config.profile_path = value.get<std::string>();
             return;
         }
         config.profile_path =
             existing_file(reader, value, pointer, "must name an existing protocol profile file");
     }},
    {"headers",
     [](const JsonReader& reader, const json& value, const std::string& pointer,
        EndpointConfig& config) { config.extra_headers = json_headers(reader, value, pointer); }},
    {"client_certificate_file",
     [](const JsonReader& reader, const json& value, const std::string& pointer,
        EndpointConfig& config) {
         config.client_certificate_file = existing_file(reader, value, pointer, kPemRequirement);
     }},
    {"client_key_file",
     [](const JsonReader& reader, const json& value, const std::string& pointer,
        EndpointConfig& config) {
         config.client_key_file = existing_file(reader, value, pointer, kPemRequirement);
     }},
    {"max_message_bytes",
     [](const JsonReader& reader, const json& value, const std::string& pointer,
        EndpointConfig& config) {
         config.max_message_bytes = static_cast<std::size_t>(
             reader.integer(value, pointer, 0, kMaxMessageBytes,
                            "must be an integer 0-1073741824 (0 = no limit)"));
     }},
    {"keepalive_ms",
     [](const JsonReader& reader, const json& value, const std::string& pointer,
        EndpointConfig& config) {
         config.keepalive = Milliseconds{reader.integer(value, pointer, 1, detail::kMaxTimeoutMs,
                                                        "must be a positive integer")};
     }},
    {"permessage_deflate",
     [](const JsonReader& reader, const json& value, const std::string& pointer,
        EndpointConfig& config) { config.permessage_deflate = reader.boolean(value, pointer); }},
    {"proxy",
     [](const JsonReader& reader, const json& value, const std::string& pointer,
        EndpointConfig& config) {
         if (!value.is_null()) {
             config.proxy = parse_proxy_url(
                 reader.string(value, pointer, "must be an http://host:port proxy URL or null"),
                 pointer);
         }
     }},
    {"no_proxy",
     [](const JsonReader& reader, const json& value, const std::string& pointer,
        EndpointConfig& config) { config.no_proxy = json_no_proxy(reader, value, pointer); }},
    {"max_events_per_run",
     [](const JsonReader& reader, const json& value, const std::string& pointer,
        EndpointConfig& config) {
         config.max_events_per_run = static_cast<std::size_t>(reader.integer(
             value, pointer, 0, 1'000'000'000, "must be an integer 0-1000000000 (0 = no limit)"));
     }},
}};

}  // namespace

EndpointConfig EndpointConfig::from_json(const nlohmann::json& json_config) {
    const JsonReader reader{std::string(detail::kConfigErrorId)};
    const std::string unknown = known_key_requirement(detail::member_keys(kConfigMembers));
    reader.require_object(json_config, "");
    for (const char* const load_key : {"users", "sla"}) {
        if (json_config.contains(load_key)) {
            reader.fail(detail::child_pointer("", load_key),
                        "must be read with LoadRunOptions::from_json (a load run's setting, not "
                        "the endpoint's)",
                        json_config.at(load_key));
        }
    }
    detail::reject_unknown_members(reader, json_config, "", kConfigMembers, unknown);
    EndpointConfig config;
    config.tokens = json_tokens(reader, json_config);
    try {
        detail::read_members(reader, json_config, "", kConfigMembers, unknown, config);
        config.validate();
    } catch (const ConfigError& error) {
        throw detail::redacted(error, config.tokens);
    }
    return config;
}

}  // namespace goldenpath
