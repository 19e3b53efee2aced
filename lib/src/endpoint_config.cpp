#include "goldenpath/endpoint_config.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <ostream>
#include <system_error>

#include <fmt/format.h>

#include "goldenpath/config_error.hpp"
#include "goldenpath/timeout_scale.hpp"
#include "goldenpath/user_limits.hpp"

namespace goldenpath {

namespace {

using nlohmann::json;

constexpr std::string_view env_id = "goldenpath.env";
constexpr std::string_view config_id = "goldenpath.config";

// Longest deadline we accept: one day, so that adding it to a time_point cannot overflow.
constexpr long long max_duration_ms = 86'400'000;
constexpr auto max_users = static_cast<long long>(kMaxLoadUsers);
constexpr long long max_timeout_ms = 3'600'000;
constexpr long long max_message_bytes = 1'073'741'824;

constexpr std::string_view known_keys =
    "url, fallback_urls, token, tokens, token_file, ca_file, insecure_skip_verify, environment, "
    "timeouts_ms, retry, users, sla, profile, headers, client_certificate_file, client_key_file, "
    "max_message_bytes, keepalive_ms, permessage_deflate, proxy, no_proxy, max_events_per_run";
constexpr std::string_view sla_requirement =
    "must be (p50|p95|p99|max).(connect|first_event|completion)<Nms or success>=P% with P 0-100";

// Every timeout with its JSON key, in the order they are read and printed.
using TimeoutField = std::pair<std::string_view, Milliseconds Timeouts::*>;
constexpr std::array<TimeoutField, 9> timeout_fields{{
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

// Environment variable names are plain words; JSON pointers start with '/' (or are empty: the
// root).
std::string id_for(std::string_view field) {
    return std::string(field.empty() || field.front() == '/' ? config_id : env_id);
}

// An empty actual would read "but is " and say nothing.
std::string shown(std::string_view text) {
    return text.empty() ? std::string("\"\"") : std::string(text);
}

std::string shown_url(std::string_view text) {
    return shown(redact_url_secrets(std::string(text)));
}

// A JSON value as it appears in an error, cut short so a large document does not flood the message.
std::string shown_json(const json& value) {
    constexpr std::size_t limit = 80;
    std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
    if (text.size() > limit) {
        std::size_t cut = limit;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) {
            --cut;  // not inside a UTF-8 sequence
        }
        text.resize(cut);
        text += "...";
    }
    return text;
}

[[noreturn]] void fail(std::string_view field, std::string_view requirement, std::string actual) {
    throw ConfigError(id_for(field), std::string(field), std::string(requirement),
                      std::move(actual));
}

bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool is_space_or_control(char c) noexcept {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f;
}

std::string_view trim(std::string_view text) noexcept {
    while (!text.empty() && is_space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_space(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

std::string lower_ascii(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return lower;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos) {
            return parts;
        }
        start = end + 1;
    }
}

// The JSON pointer token for an object key (RFC 6901 escaping, done by nlohmann::json_pointer).
std::string pointer_token(std::string_view key) {
    return (nlohmann::json::json_pointer() / std::string(key)).to_string().substr(1);
}

std::string child(std::string_view pointer, std::string_view key) {
    return std::string(pointer) + '/' + pointer_token(key);
}

std::string child(std::string_view pointer, std::size_t index) {
    return std::string(pointer) + '/' + std::to_string(index);
}

// Strict decimal integer: the whole text, digits with at most a leading '-' (no '+', no spaces).
std::optional<long long> parse_integer(std::string_view text) noexcept {
    long long value = 0;
    const char* const end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc() || stop != end) {
        return std::nullopt;
    }
    return value;
}

bool is_digits(std::string_view text) noexcept {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// digits, optionally followed by '.' and digits.
bool is_decimal(std::string_view text) noexcept {
    const std::size_t dot = text.find('.');
    if (dot == std::string_view::npos) {
        return is_digits(text);
    }
    return is_digits(text.substr(0, dot)) && is_digits(text.substr(dot + 1));
}

bool is_one_of(std::string_view word, std::initializer_list<std::string_view> choices) noexcept {
    return std::find(choices.begin(), choices.end(), word) != choices.end();
}

bool is_valid_sla(std::string_view expr) {
    constexpr std::string_view success = "success>=";
    if (expr.substr(0, success.size()) == success) {
        std::string_view percent = expr.substr(success.size());
        if (percent.empty() || percent.back() != '%') {
            return false;
        }
        percent.remove_suffix(1);
        if (!is_decimal(percent)) {
            return false;
        }
        double value = 0;
        const auto [stop, error] =
            std::from_chars(percent.data(), percent.data() + percent.size(), value);
        return error == std::errc() && stop == percent.data() + percent.size() && value <= 100.0;
    }
    const std::size_t dot = expr.find('.');
    const std::size_t less = expr.find('<');
    if (dot == std::string_view::npos || less == std::string_view::npos || less < dot) {
        return false;
    }
    const std::string_view statistic = expr.substr(0, dot);
    const std::string_view phase = expr.substr(dot + 1, less - dot - 1);
    std::string_view limit = expr.substr(less + 1);
    if (!is_one_of(statistic, {"p50", "p95", "p99", "max"}) ||
        !is_one_of(phase, {"connect", "first_event", "completion"}) || limit.size() < 3 ||
        limit.substr(limit.size() - 2) != "ms") {
        return false;
    }
    limit.remove_suffix(2);
    return is_digits(limit) && parse_integer(limit).has_value();
}

// A bearer token goes into a header: no whitespace or control characters. Never quoted.
void check_token(std::string_view token, std::string_view field) {
    if (token.empty()) {
        fail(field, "must be a non-empty token", std::string(Secret::redacted()));
    }
    if (std::any_of(token.begin(), token.end(), is_space_or_control)) {
        fail(field, "must be a token without whitespace or control characters",
             std::string(Secret::redacted()));
    }
}

void check_file(const std::filesystem::path& path, std::string_view field,
                std::string_view requirement) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) {
        fail(field, requirement, shown(path.string()));
    }
}

// Url::parse with the error re-addressed to `field`, quoting the whole (redacted) text.
Url parse_url_as(std::string_view text, std::string_view field, std::string_view prefix) {
    try {
        return Url::parse(text);
    } catch (const ConfigError& error) {
        throw ConfigError(id_for(field), std::string(field),
                          std::string(prefix) + error.requirement(), shown_url(text));
    }
}

// The same error with every token's text removed from the quoted value (defence in depth: a token
// may sit in a URL under a parameter name other than token=).
ConfigError redacted(const ConfigError& error, const std::vector<Secret>& tokens) {
    std::string actual = error.actual();
    for (const Secret& token : tokens) {
        actual = redact(std::move(actual), token.reveal());
    }
    return ConfigError(error.id(), error.field(), error.requirement(), std::move(actual));
}

// ---- proxy -------------------------------------------------------------------------------

constexpr std::string_view proxy_requirement = "must be an http://host:port proxy URL";
constexpr std::string_view no_proxy_requirement =
    "must list *, host names, .domains or IP literals, each with an optional :port";

// Proxy URL text as it may appear in an error: user information replaced by "***".
std::string shown_proxy(std::string_view text) {
    const std::size_t separator = text.find("://");
    const std::size_t authority = separator == std::string_view::npos ? 0 : separator + 3;
    const std::size_t authority_end = std::min(text.find('/', authority), text.size());
    const std::size_t at = text.substr(0, authority_end).rfind('@');
    if (at == std::string_view::npos || at < authority) {
        return shown(text);
    }
    return std::string(text.substr(0, authority)) + "***" + std::string(text.substr(at));
}

bool is_host_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

bool is_ipv6_char(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.';
}

// A no_proxy entry taken apart; `ip` entries match only the same address.
struct NoProxyEntry {
    std::string host;  // "*", a name without leading '.', or an IP literal without brackets
    std::optional<std::uint16_t> port;
    bool ip = false;
};

std::optional<std::uint16_t> parse_entry_port(std::string_view text) {
    const std::optional<long long> port = is_digits(text) ? parse_integer(text) : std::nullopt;
    if (!port || *port < 1 || *port > 65535) {
        return std::nullopt;
    }
    return static_cast<std::uint16_t>(*port);
}

// nullopt when `text` (trimmed, lower-case) is no valid entry.
std::optional<NoProxyEntry> split_no_proxy_entry(std::string_view text) {
    NoProxyEntry entry;
    std::string_view host = text;
    std::string_view port;
    bool has_port = false;
    if (!text.empty() && text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos) {
            return std::nullopt;
        }
        host = text.substr(1, close - 1);
        const std::string_view rest = text.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') {
            return std::nullopt;
        }
        has_port = !rest.empty();
        port = has_port ? rest.substr(1) : std::string_view();
        entry.ip = true;
    } else if (std::count(text.begin(), text.end(), ':') >= 2) {
        entry.ip = true;  // an IPv6 literal without brackets cannot carry a port
    } else if (const std::size_t colon = text.find(':'); colon != std::string_view::npos) {
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        has_port = true;
    }
    if (has_port) {
        entry.port = parse_entry_port(port);
        if (!entry.port) {
            return std::nullopt;
        }
    }
    if (host == "*" && !has_port) {
        entry.host = "*";
        return entry;
    }
    if (entry.ip) {
        if (host.find(':') == std::string_view::npos ||
            !std::all_of(host.begin(), host.end(), is_ipv6_char)) {
            return std::nullopt;
        }
    } else {
        if (!host.empty() && host.front() == '.') {
            host.remove_prefix(1);
        }
        if (host.empty() || !std::all_of(host.begin(), host.end(), is_host_char)) {
            return std::nullopt;
        }
        entry.ip = std::all_of(host.begin(), host.end(),
                               [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
    }
    entry.host = std::string(host);
    return entry;
}

bool entry_matches(const NoProxyEntry& entry, const std::string& target_host,
                   std::uint16_t target_port) {
    if (entry.host == "*") {
        return true;
    }
    if (entry.port && *entry.port != target_port) {
        return false;
    }
    if (target_host == entry.host) {
        return true;
    }
    return !entry.ip && target_host.size() > entry.host.size() &&
           target_host.ends_with(entry.host) &&
           target_host[target_host.size() - entry.host.size() - 1] == '.';
}

// ---- environment -------------------------------------------------------------------------

// Empty counts as unset (an exported but empty variable is a common leftover).
std::optional<std::string> env_value(const EnvironmentLookup& env, std::string_view name) {
    std::optional<std::string> value = env(name);
    if (value && value->empty()) {
        return std::nullopt;
    }
    return value;
}

long long env_integer(const EnvironmentLookup& env, std::string_view name, long long min,
                      long long max, long long fallback) {
    const std::optional<std::string> text = env_value(env, name);
    if (!text) {
        return fallback;
    }
    const std::optional<long long> value = parse_integer(*text);
    if (!value || *value < min || *value > max) {
        fail(name, fmt::format("must be an integer {}-{}", min, max), shown(*text));
    }
    return *value;
}

std::vector<Secret> env_tokens(const EnvironmentLookup& env) {
    const std::optional<std::string> token = env_value(env, "GOLDENPATH_TOKEN");
    const std::optional<std::string> token_file = env_value(env, "GOLDENPATH_TOKEN_FILE");
    if (token && token_file) {
        fail("GOLDENPATH_TOKEN", "must not be set together with GOLDENPATH_TOKEN_FILE",
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
        fail("GOLDENPATH_STAGING_URL", "must be set to a ws:// or wss:// URL", "unset");
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
    config.users = static_cast<int>(env_integer(env, "GOLDENPATH_USERS", 1, max_users, 1));
    config.timeouts.completion = Milliseconds{env_integer(
        env, "GOLDENPATH_TIMEOUT_MS", 1, max_timeout_ms, config.timeouts.completion.count())};
    if (const std::optional<std::string> sla = env_value(env, "GOLDENPATH_SLA")) {
        for (const std::string_view entry : split(*sla, ';')) {
            const std::string_view expr = trim(entry);
            if (!expr.empty()) {
                validate_sla_expression(expr, "GOLDENPATH_SLA");
                config.sla.emplace_back(expr);
            }
        }
    }
    if (const std::optional<std::string> profile = env_value(env, "GOLDENPATH_PROFILE")) {
        check_file(*profile, "GOLDENPATH_PROFILE", "must name an existing protocol profile file");
        config.profile_path = *profile;
    }
}

// ---- JSON --------------------------------------------------------------------------------

const std::string& json_string(const json& value, std::string_view field,
                               std::string_view requirement = "must be a string") {
    if (!value.is_string()) {
        fail(field, requirement, shown_json(value));
    }
    return value.get_ref<const std::string&>();
}

// An integer min..max; `requirement` explains a value below min or of another type, values above
// max get their own message.
long long json_integer(const json& value, std::string_view field, long long min, long long max,
                       std::string_view requirement) {
    if (!value.is_number_integer()) {
        fail(field, requirement, shown_json(value));
    }
    if (value.is_number_unsigned() &&
        value.get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
        fail(field, fmt::format("must be at most {}", max), shown_json(value));
    }
    const auto number = value.get<std::int64_t>();
    if (number < min) {
        fail(field, requirement, shown_json(value));
    }
    if (number > max) {
        fail(field, fmt::format("must be at most {}", max), shown_json(value));
    }
    return number;
}

double json_number(const json& value, std::string_view field, double min, double max,
                   std::string_view requirement) {
    if (!value.is_number()) {
        fail(field, requirement, shown_json(value));
    }
    const auto number = value.get<double>();
    if (!(number >= min && number <= max)) {
        fail(field, requirement, shown_json(value));
    }
    return number;
}

void check_known_keys(const json& object, std::string_view pointer,
                      std::initializer_list<std::string_view> keys, std::string_view listing) {
    for (const auto& item : object.items()) {
        if (!is_one_of(item.key(), keys)) {
            fail(child(pointer, item.key()), fmt::format("must be a known key ({})", listing),
                 shown(item.key()));
        }
    }
}

void require_object(const json& value, std::string_view field) {
    if (!value.is_object()) {
        fail(field, "must be an object", shown_json(value));
    }
}

// "ws://..." or {scheme, host, port, path} (scheme defaults to ws, port to the scheme's, path to
// /ws); errors of the object form name the member, e.g. /url/port.
Url json_url(const json& value, std::string_view field) {
    if (value.is_string()) {
        return parse_url_as(value.get_ref<const std::string&>(), field, "");
    }
    if (!value.is_object()) {
        fail(field, "must be a ws:// or wss:// URL or an object {scheme, host, port, path}",
             shown_json(value));
    }
    check_known_keys(value, field, {"scheme", "host", "port", "path"}, "scheme, host, port, path");
    const std::string scheme =
        value.contains("scheme") ? json_string(value["scheme"], child(field, "scheme")) : "ws";
    const std::string host =
        value.contains("host") ? json_string(value["host"], child(field, "host")) : "";
    const std::string path =
        value.contains("path") ? json_string(value["path"], child(field, "path")) : "/ws";
    long long port = lower_ascii(scheme) == "wss" ? 443 : 80;
    if (value.contains("port")) {
        const json& port_value = value["port"];
        if (!port_value.is_number_integer() ||
            (port_value.is_number_unsigned() && port_value.get<std::uint64_t>() > 65535U)) {
            fail(child(field, "port"), "must be 1-65535", shown_json(port_value));
        }
        port = port_value.get<std::int64_t>();
    }
    try {
        return Url::build(scheme, host, port, path);
    } catch (const ConfigError& error) {
        throw ConfigError(error.id(), std::string(field) + error.field(), error.requirement(),
                          error.actual());
    }
}

std::vector<Secret> json_tokens(const json& json_config) {
    constexpr std::array<std::string_view, 3> sources{"token", "tokens", "token_file"};
    std::optional<std::string_view> found;
    for (const std::string_view key : sources) {
        if (json_config.contains(key)) {
            if (found) {
                fail(child("", key), fmt::format("must not be set together with /{}", *found),
                     "set");
            }
            found = key;
        }
    }
    if (json_config.contains("token")) {
        const json& token = json_config["token"];
        if (!token.is_string()) {
            fail("/token", "must be a string", std::string(Secret::redacted()));
        }
        check_token(token.get_ref<const std::string&>(), "/token");
        return {Secret(token.get<std::string>())};
    }
    if (json_config.contains("tokens")) {
        const json& tokens = json_config["tokens"];
        if (!tokens.is_array()) {
            fail("/tokens", "must be an array of strings", std::string(Secret::redacted()));
        }
        std::vector<Secret> secrets;
        for (std::size_t i = 0; i < tokens.size(); ++i) {
            const std::string field = child("/tokens", i);
            if (!tokens[i].is_string()) {
                fail(field, "must be a string", std::string(Secret::redacted()));
            }
            check_token(tokens[i].get_ref<const std::string&>(), field);
            secrets.emplace_back(tokens[i].get<std::string>());
        }
        return secrets;
    }
    if (json_config.contains("token_file")) {
        return read_token_file(json_string(json_config["token_file"], "/token_file"),
                               "/token_file");
    }
    return {};
}

void read_json_timeouts(const json& value, Timeouts& timeouts) {
    require_object(value, "/timeouts_ms");
    check_known_keys(
        value, "/timeouts_ms",
        {"connect", "tls", "upgrade", "ready", "first_event", "completion", "max_gap", "close",
         "linger"},
        "connect, tls, upgrade, ready, first_event, completion, max_gap, close, linger");
    for (const auto& [name, member] : timeout_fields) {
        if (value.contains(name)) {
            const bool linger = name == "linger";
            timeouts.*member = Milliseconds{json_integer(
                value[std::string(name)], child("/timeouts_ms", name), linger ? 0 : 1,
                max_duration_ms,
                linger ? "must be a non-negative integer" : "must be a positive integer")};
        }
    }
}

void read_json_retry(const json& value, RetryPolicy& retry) {
    require_object(value, "/retry");
    check_known_keys(value, "/retry",
                     {"max_attempts", "initial_backoff_ms", "multiplier", "max_backoff_ms",
                      "jitter", "overall_deadline_ms"},
                     "max_attempts, initial_backoff_ms, multiplier, max_backoff_ms, jitter, "
                     "overall_deadline_ms");
    if (value.contains("max_attempts")) {
        retry.max_attempts = static_cast<int>(json_integer(
            value["max_attempts"], "/retry/max_attempts", 1, 1000, "must be a positive integer"));
    }
    if (value.contains("initial_backoff_ms")) {
        retry.initial_backoff =
            Milliseconds{json_integer(value["initial_backoff_ms"], "/retry/initial_backoff_ms", 0,
                                      max_duration_ms, "must be a non-negative integer")};
    }
    if (value.contains("multiplier")) {
        retry.multiplier = json_number(value["multiplier"], "/retry/multiplier", 1.0, 1000.0,
                                       "must be a number 1-1000");
    }
    if (value.contains("max_backoff_ms")) {
        retry.max_backoff =
            Milliseconds{json_integer(value["max_backoff_ms"], "/retry/max_backoff_ms", 0,
                                      max_duration_ms, "must be a non-negative integer")};
    }
    if (value.contains("jitter")) {
        retry.jitter =
            json_number(value["jitter"], "/retry/jitter", 0.0, 1.0, "must be a number 0-1");
    }
    if (value.contains("overall_deadline_ms")) {
        retry.overall_deadline =
            Milliseconds{json_integer(value["overall_deadline_ms"], "/retry/overall_deadline_ms", 1,
                                      max_duration_ms, "must be a positive integer")};
    }
}

std::vector<std::string> json_sla(const json& value) {
    std::vector<std::string> expressions;
    if (value.is_string()) {  // the GOLDENPATH_SLA form: semicolon-separated
        for (const std::string_view entry : split(value.get_ref<const std::string&>(), ';')) {
            const std::string_view expr = trim(entry);
            if (!expr.empty()) {
                validate_sla_expression(expr, "/sla");
                expressions.emplace_back(expr);
            }
        }
        return expressions;
    }
    if (!value.is_array()) {
        fail("/sla", "must be an array of SLA expressions", shown_json(value));
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string field = child("/sla", i);
        const std::string_view expr = trim(json_string(value[i], field));
        validate_sla_expression(expr, field);
        expressions.emplace_back(expr);
    }
    return expressions;
}

// An array of entries, or the environment's comma-separated form.
std::vector<std::string> json_no_proxy(const json& value) {
    if (value.is_string()) {
        return parse_no_proxy(value.get_ref<const std::string&>(), "/no_proxy");
    }
    if (!value.is_array()) {
        fail("/no_proxy", "must be an array of no_proxy entries or a comma-separated string",
             shown_json(value));
    }
    std::vector<std::string> entries;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string field = child("/no_proxy", i);
        entries.push_back(parse_no_proxy_entry(json_string(value[i], field), field));
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
std::vector<std::pair<std::string, std::string>> json_headers(const json& value) {
    require_object(value, "/headers");
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& item : value.items()) {
        const std::string field = child("/headers", item.key());
        if (!is_header_name(item.key())) {
            fail(field, "must be an HTTP header name", shown(item.key()));
        }
        if (!item.value().is_string()) {
            fail(field, "must be a string", std::string(Secret::redacted()));
        }
        const auto& text = item.value().get_ref<const std::string&>();
        if (text.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
            fail(field, "must not contain CR, LF or NUL", std::string(Secret::redacted()));
        }
        headers.emplace_back(item.key(), text);
    }
    return headers;
}

void read_json_settings(const json& value, EndpointConfig& config) {
    if (value.contains("url")) {
        config.url = json_url(value["url"], "/url");
    }
    if (value.contains("fallback_urls")) {
        const json& fallbacks = value["fallback_urls"];
        if (!fallbacks.is_array()) {
            fail("/fallback_urls", "must be an array of URLs", shown_url(shown_json(fallbacks)));
        }
        for (std::size_t i = 0; i < fallbacks.size(); ++i) {
            config.fallback_urls.push_back(json_url(fallbacks[i], child("/fallback_urls", i)));
        }
    }
    if (value.contains("ca_file")) {
        const std::string& ca_file = json_string(value["ca_file"], "/ca_file");
        check_file(ca_file, "/ca_file", "must name an existing CA certificate file");
        config.ca_file = ca_file;
    }
    if (value.contains("insecure_skip_verify")) {
        const json& insecure = value["insecure_skip_verify"];
        if (!insecure.is_boolean()) {
            fail("/insecure_skip_verify", "must be true or false", shown_json(insecure));
        }
        config.insecure_skip_verify = insecure.get<bool>();
    }
    if (value.contains("timeouts_ms")) {
        read_json_timeouts(value["timeouts_ms"], config.timeouts);
    }
    if (value.contains("retry")) {
        read_json_retry(value["retry"], config.retry);
    }
    if (value.contains("users")) {
        config.users = static_cast<int>(
            json_integer(value["users"], "/users", 1, max_users, kUsersRequirement));
    }
    if (value.contains("sla")) {
        config.sla = json_sla(value["sla"]);
    }
    if (value.contains("profile")) {
        const std::string& profile = json_string(value["profile"], "/profile");
        check_file(profile, "/profile", "must name an existing protocol profile file");
        config.profile_path = profile;
    }
    if (value.contains("headers")) {
        config.extra_headers = json_headers(value["headers"]);
    }
    for (const auto& [key, member] :
         {std::pair{"client_certificate_file", &EndpointConfig::client_certificate_file},
          std::pair{"client_key_file", &EndpointConfig::client_key_file}}) {
        if (value.contains(key)) {
            const std::string field = fmt::format("/{}", key);
            const std::string& path = json_string(value[key], field);
            check_file(path, field, "must name an existing PEM file");
            config.*member = path;
        }
    }
    if (value.contains("max_message_bytes")) {
        config.max_message_bytes = static_cast<std::size_t>(
            json_integer(value["max_message_bytes"], "/max_message_bytes", 0, max_message_bytes,
                         "must be an integer 0-1073741824 (0 = no limit)"));
    }
    if (value.contains("max_events_per_run")) {
        config.max_events_per_run = static_cast<std::size_t>(
            json_integer(value["max_events_per_run"], "/max_events_per_run", 0, 1'000'000'000,
                         "must be an integer 0-1000000000 (0 = no limit)"));
    }
    if (value.contains("keepalive_ms")) {
        config.keepalive = Milliseconds{json_integer(value["keepalive_ms"], "/keepalive_ms", 1,
                                                     max_timeout_ms, "must be a positive integer")};
    }
    if (value.contains("permessage_deflate")) {
        const json& deflate = value["permessage_deflate"];
        if (!deflate.is_boolean()) {
            fail("/permessage_deflate", "must be true or false", shown_json(deflate));
        }
        config.permessage_deflate = deflate.get<bool>();
    }
    if (value.contains("proxy") && !value["proxy"].is_null()) {
        config.proxy = parse_proxy_url(
            json_string(value["proxy"], "/proxy", "must be an http://host:port proxy URL or null"),
            "/proxy");
    }
    if (value.contains("no_proxy")) {
        config.no_proxy = json_no_proxy(value["no_proxy"]);
    }
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string text;
    for (const std::string& part : parts) {
        if (!text.empty()) {
            text += separator;
        }
        text += part;
    }
    return text;
}

}  // namespace

// ---- environments, timeouts, retries -----------------------------------------------------

std::string_view to_string(DeploymentEnvironment environment) noexcept {
    switch (environment) {
        case DeploymentEnvironment::development:
            return "development";
        case DeploymentEnvironment::staging:
            return "staging";
        case DeploymentEnvironment::production:
            return "production";
    }
    return "unknown";
}

std::ostream& operator<<(std::ostream& out, DeploymentEnvironment environment) {
    return out << to_string(environment);
}

DeploymentEnvironment parse_environment(std::string_view text, std::string_view field) {
    const std::string name = lower_ascii(trim(text));
    for (const auto environment :
         {DeploymentEnvironment::development, DeploymentEnvironment::staging,
          DeploymentEnvironment::production}) {
        if (name == to_string(environment)) {
            return environment;
        }
    }
    throw ConfigError(std::string(env_id), std::string(field),
                      "must be development, staging or production", shown(text));
}

Timeouts Timeouts::defaults_for(DeploymentEnvironment environment) {
    if (environment == DeploymentEnvironment::development) {
        return Timeouts{};  // the member initialisers are the development values
    }
    Timeouts timeouts;
    timeouts.connect = Milliseconds{5000};
    timeouts.tls = Milliseconds{5000};
    timeouts.upgrade = Milliseconds{5000};
    timeouts.ready = Milliseconds{5000};
    timeouts.first_event = Milliseconds{10000};
    timeouts.close = Milliseconds{1000};
    timeouts.linger = Milliseconds{0};
    const bool production = environment == DeploymentEnvironment::production;
    timeouts.completion = Milliseconds{production ? 60000 : 30000};
    timeouts.max_gap = Milliseconds{production ? 30000 : 15000};
    return scaled(timeouts);
}

Milliseconds RetryPolicy::backoff_before(int retry) const {
    if (retry < 1) {
        return Milliseconds{0};
    }
    const auto cap = static_cast<double>(max_backoff.count());
    double backoff = static_cast<double>(initial_backoff.count()) *
                     std::pow(multiplier, static_cast<double>(retry - 1));
    if (!std::isfinite(backoff) || backoff > cap) {
        backoff = cap;  // also covers overflow for large retry numbers
    }
    return Milliseconds{std::llround(std::max(backoff, 0.0))};
}

RetryPolicy RetryPolicy::defaults_for(DeploymentEnvironment environment) {
    RetryPolicy retry;  // the member initialisers are the development values
    if (environment == DeploymentEnvironment::staging) {
        retry.max_attempts = 3;
        retry.initial_backoff = Milliseconds{250};
        retry.max_backoff = Milliseconds{4000};
        retry.overall_deadline = scaled(Milliseconds{30000});
    } else if (environment == DeploymentEnvironment::production) {
        retry.max_attempts = 3;
        retry.initial_backoff = Milliseconds{500};
        retry.max_backoff = Milliseconds{8000};
        retry.overall_deadline = scaled(Milliseconds{60000});
    }
    return retry;
}

EnvironmentLookup process_environment() {
    return [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        if (value == nullptr) {
            return std::nullopt;
        }
        return std::string(value);
    };
}

void validate_sla_expression(std::string_view expr, std::string_view field) {
    if (!is_valid_sla(expr)) {
        fail(field, sla_requirement, shown(expr));
    }
}

std::vector<Secret> read_token_file(const std::filesystem::path& path, std::string_view field) {
    constexpr std::string_view readable = "must name a readable file with one token per line";
    check_file(path, field, readable);
    std::ifstream in(path);
    if (!in) {
        fail(field, readable, shown(path.string()));
    }
    std::vector<Secret> tokens;
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        const std::string_view token = trim(line);
        if (token.empty() || token.front() == '#') {
            continue;
        }
        if (std::any_of(token.begin(), token.end(), is_space_or_control)) {
            fail(field,
                 fmt::format("must hold one token per line without inner whitespace (line {})",
                             number),
                 shown(path.string()));
        }
        tokens.emplace_back(std::string(token));
    }
    if (in.bad()) {
        fail(field, readable, shown(path.string()));
    }
    if (tokens.empty()) {
        fail(field, "must contain at least one token (blank and # lines are skipped)",
             shown(path.string()));
    }
    return tokens;
}

Url parse_proxy_url(std::string_view text, std::string_view field) {
    const std::string_view trimmed = trim(text);
    const std::size_t separator = trimmed.find("://");
    if (separator != std::string_view::npos &&
        lower_ascii(trimmed.substr(0, separator)) != "http") {
        fail(field,
             "must be an http://host:port proxy URL (https:// and SOCKS proxies are not supported)",
             shown_proxy(trimmed));
    }
    const std::string_view rest =
        separator == std::string_view::npos ? trimmed : trimmed.substr(separator + 3);
    const std::size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
    const std::string_view authority = rest.substr(0, authority_end);
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
        fail(field,
             "must not carry user information (proxy authentication is not supported, and "
             "credentials never go into a configuration that may be printed)",
             shown_proxy(trimmed));
    }
    const std::string_view after = rest.substr(authority_end);
    if (!after.empty() && after != "/") {
        fail(field, "must be an http://host:port proxy URL without a path or query",
             shown_proxy(trimmed));
    }
    if (authority.empty() || std::any_of(authority.begin(), authority.end(), is_space_or_control)) {
        fail(field, proxy_requirement, shown_proxy(trimmed));
    }
    Url url;
    try {
        url = Url::parse("ws://" + std::string(authority));
    } catch (const ConfigError& error) {
        fail(field, std::string(proxy_requirement) + ": " + error.requirement(),
             shown_proxy(trimmed));
    }
    url.scheme = "http";
    url.path.clear();
    url.query.clear();
    return url;
}

std::string parse_no_proxy_entry(std::string_view entry, std::string_view field) {
    const std::string normalized = lower_ascii(trim(entry));
    if (!split_no_proxy_entry(normalized)) {
        fail(field, no_proxy_requirement, shown(trim(entry)));
    }
    return normalized;
}

std::vector<std::string> parse_no_proxy(std::string_view text, std::string_view field) {
    std::vector<std::string> entries;
    for (const std::string_view entry : split(text, ',')) {
        if (!trim(entry).empty()) {
            entries.push_back(parse_no_proxy_entry(entry, field));
        }
    }
    return entries;
}

bool bypasses_proxy(const Url& target, const std::vector<std::string>& no_proxy) {
    std::string host = lower_ascii(target.host);
    if (host.size() > 1 && host.back() == '.') {
        host.pop_back();  // "example.com." is example.com
    }
    return std::any_of(no_proxy.begin(), no_proxy.end(), [&](const std::string& text) {
        const std::optional<NoProxyEntry> entry = split_no_proxy_entry(lower_ascii(trim(text)));
        return entry && entry_matches(*entry, host, target.port);
    });
}

// ---- EndpointConfig ----------------------------------------------------------------------

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

std::optional<std::pair<std::string, std::string>> EndpointConfig::auth_header(
    std::size_t user) const {
    const Secret* token = token_for(user);
    if (token == nullptr) {
        return std::nullopt;
    }
    return std::pair<std::string, std::string>{"Authorization",
                                               "Bearer " + std::string(token->reveal())};
}

void EndpointConfig::validate() const {
    if (users < 1 || users > max_users) {
        fail("/users", kUsersRequirement, std::to_string(users));
    }
    if (retry.max_attempts < 1) {
        fail("/retry/max_attempts", "must be a positive integer",
             std::to_string(retry.max_attempts));
    }
    if (!(retry.jitter >= 0.0 && retry.jitter <= 1.0)) {
        fail("/retry/jitter", "must be a number 0-1", fmt::format("{}", retry.jitter));
    }
    if (!(retry.multiplier >= 1.0) || !std::isfinite(retry.multiplier)) {
        fail("/retry/multiplier", "must be a number of at least 1",
             fmt::format("{}", retry.multiplier));
    }
    if (retry.initial_backoff.count() < 0) {
        fail("/retry/initial_backoff_ms", "must be a non-negative integer",
             std::to_string(retry.initial_backoff.count()));
    }
    if (retry.max_backoff.count() < 0) {
        fail("/retry/max_backoff_ms", "must be a non-negative integer",
             std::to_string(retry.max_backoff.count()));
    }
    if (retry.overall_deadline.count() <= 0) {
        fail("/retry/overall_deadline_ms", "must be a positive integer",
             std::to_string(retry.overall_deadline.count()));
    }
    for (const auto& [name, member] : timeout_fields) {
        const long long value = (timeouts.*member).count();
        if (name == "linger" ? value < 0 : value <= 0) {
            fail(child("/timeouts_ms", name),
                 name == "linger" ? "must be a non-negative integer" : "must be a positive integer",
                 std::to_string(value));
        }
    }
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        check_token(tokens[i].reveal(), child("/tokens", i));
    }
    for (std::size_t i = 0; i < sla.size(); ++i) {
        validate_sla_expression(sla[i], child("/sla", i));
    }
    if (ca_file) {
        check_file(*ca_file, "/ca_file", "must name an existing CA certificate file");
    }
    if (client_key_file && !client_certificate_file) {
        fail("/client_key_file", "must come with client_certificate_file",
             fmt::format("\"{}\"", client_key_file->string()));
    }
    if (keepalive && keepalive->count() <= 0) {
        fail("/keepalive_ms", "must be a positive integer", std::to_string(keepalive->count()));
    }
    if (proxy && (proxy->scheme != "http" || !(proxy->path.empty() || proxy->path == "/") ||
                  !proxy->query.empty() || proxy->host.empty() || proxy->port == 0)) {
        fail("/proxy", proxy_requirement, proxy->to_string());
    }
    for (std::size_t i = 0; i < no_proxy.size(); ++i) {
        parse_no_proxy_entry(no_proxy[i], child("/no_proxy", i));
    }
}

std::string EndpointConfig::to_string() const {
    std::vector<std::string> fallbacks;
    for (const Url& fallback : fallback_urls) {
        fallbacks.push_back(fallback.to_string());
    }
    std::vector<std::string> timeout_parts;
    for (const auto& [name, member] : timeout_fields) {
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
    text += fmt::format("users: {}\n", users);
    text += fmt::format("sla: {}\n", sla.empty() ? "none" : join(sla, "; "));
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
        throw redacted(error, config.tokens);
    }
    return config;
}

EndpointConfig EndpointConfig::from_json(const nlohmann::json& json_config) {
    if (!json_config.is_object()) {
        fail("", "must be an object", shown_json(json_config));
    }
    check_known_keys(json_config, "",
                     {"url",
                      "fallback_urls",
                      "token",
                      "tokens",
                      "token_file",
                      "ca_file",
                      "insecure_skip_verify",
                      "environment",
                      "timeouts_ms",
                      "retry",
                      "users",
                      "sla",
                      "profile",
                      "headers",
                      "client_certificate_file",
                      "client_key_file",
                      "max_message_bytes",
                      "keepalive_ms",
                      "permessage_deflate",
                      "proxy",
                      "no_proxy",
                      "max_events_per_run"},
                     known_keys);
    EndpointConfig config;
    config.tokens = json_tokens(json_config);
    try {
        // The environment sets the defaults first; timeouts_ms and retry override them.
        if (json_config.contains("environment")) {
            const std::string& name = json_string(json_config["environment"], "/environment",
                                                  "must be development, staging or production");
            try {
                config.environment = parse_environment(name, "/environment");
            } catch (const ConfigError& error) {
                fail(error.field(), error.requirement(), error.actual());
            }
        }
        config.timeouts = Timeouts::defaults_for(config.environment);
        config.retry = RetryPolicy::defaults_for(config.environment);
        read_json_settings(json_config, config);
        config.validate();
    } catch (const ConfigError& error) {
        throw redacted(error, config.tokens);
    }
    return config;
}

}  // namespace goldenpath
