#include "config_fields.hpp"

#include <algorithm>
#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "strict_integer.hpp"
#include "text_helpers.hpp"

namespace goldenpath::detail {

std::string error_id_for(std::string_view field) {
    return std::string(field.empty() || field.front() == '/' ? kConfigErrorId : kEnvErrorId);
}

void fail_field(std::string_view field, std::string_view requirement, std::string actual) {
    throw ConfigError(error_id_for(field), std::string(field), std::string(requirement),
                      std::move(actual));
}

std::string shown_url(std::string_view text) {
    return shown(redact_url_secrets(std::string(text)));
}

Url parse_url_as(std::string_view text, std::string_view field, std::string_view prefix) {
    try {
        return Url::parse(text);
    } catch (const ConfigError& error) {
        throw ConfigError(error_id_for(field), std::string(field),
                          std::string(prefix) + error.requirement(), shown_url(text));
    }
}

void check_token(std::string_view token, std::string_view field) {
    if (token.empty()) {
        fail_field(field, "must be a non-empty token", std::string(Secret::redacted()));
    }
    if (std::any_of(token.begin(), token.end(), is_space_or_control)) {
        fail_field(field, "must be a token without whitespace or control characters",
                   std::string(Secret::redacted()));
    }
}

void check_file(const std::filesystem::path& path, std::string_view field,
                std::string_view requirement) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(path, error)) {
        fail_field(field, requirement, shown(path.string()));
    }
}

ConfigError redacted(const ConfigError& error, const std::vector<Secret>& tokens) {
    std::string actual = error.actual();
    for (const Secret& token : tokens) {
        actual = redact(std::move(actual), token.reveal());
    }
    return ConfigError(error.id(), error.field(), error.requirement(), std::move(actual));
}

std::vector<SlaExpression> parse_sla_list(std::string_view text, std::string_view field) {
    std::vector<SlaExpression> expressions;
    for (const std::string_view entry : split(text, ';')) {
        const std::string_view expr = trim(entry);
        if (!expr.empty()) {
            expressions.push_back(SlaExpression::parse(expr, field));
        }
    }
    return expressions;
}

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
    const std::optional<long long> value = parse_strict_integer(*text);
    if (!value || *value < min || *value > max) {
        fail_field(name, fmt::format("must be an integer {}-{}", min, max), shown(*text));
    }
    return *value;
}

}  // namespace goldenpath::detail

namespace goldenpath {

std::vector<Secret> read_token_file(const std::filesystem::path& path, std::string_view field) {
    constexpr std::string_view readable = "must name a readable file with one token per line";
    detail::check_file(path, field, readable);
    std::ifstream in(path);
    if (!in) {
        detail::fail_field(field, readable, detail::shown(path.string()));
    }
    std::vector<Secret> tokens;
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
        ++number;
        const std::string_view token = detail::trim(line);
        if (token.empty() || token.front() == '#') {
            continue;
        }
        if (std::any_of(token.begin(), token.end(), detail::is_space_or_control)) {
            detail::fail_field(
                field,
                fmt::format("must hold one token per line without inner whitespace (line {})",
                            number),
                detail::shown(path.string()));
        }
        tokens.emplace_back(std::string(token));
    }
    if (in.bad()) {
        detail::fail_field(field, readable, detail::shown(path.string()));
    }
    if (tokens.empty()) {
        detail::fail_field(field, "must contain at least one token (blank and # lines are skipped)",
                           detail::shown(path.string()));
    }
    return tokens;
}

}  // namespace goldenpath
