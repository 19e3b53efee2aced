// The config loaders: JSON (from_json) and environment (from_environment over KEY=VALUE lines).
// Only ConfigError may escape them, and a token's text never appears in an error or summary.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "goldenpath/config_error.hpp"
#include "goldenpath/endpoint_config.hpp"

namespace {

constexpr std::string_view kToken = "fuzz-token-7d41c2a9e0";

bool leaks(std::string_view text) {
    return text.find(kToken) != std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    const auto json = nlohmann::json::parse(text, nullptr, false);
    if (!json.is_discarded()) {
        try {
            (void)goldenpath::EndpointConfig::from_json(json).to_string();
        } catch (const goldenpath::ConfigError&) {
        }
    }

    // Environment: KEY=VALUE lines, plus a known token so leaks are detectable.
    std::map<std::string, std::string, std::less<>> variables{
        {"GOLDENPATH_TOKEN", std::string(kToken)}};
    std::string_view rest = text;
    while (!rest.empty()) {
        const auto newline = rest.find('\n');
        const auto line = rest.substr(0, newline);
        const auto eq = line.find('=');
        if (eq != std::string_view::npos && line.substr(0, eq) != "GOLDENPATH_TOKEN" &&
            line.substr(0, eq) != "GOLDENPATH_TOKEN_FILE" &&
            line.substr(0, eq) != "GOLDENPATH_CA_FILE" &&
            line.substr(0, eq) != "GOLDENPATH_PROFILE") {
            variables[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
        }
        rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    }
    const auto lookup = [&variables](std::string_view name) -> std::optional<std::string> {
        const auto found = variables.find(name);
        return found == variables.end() ? std::nullopt : std::optional<std::string>(found->second);
    };
    try {
        const auto config = goldenpath::EndpointConfig::from_environment(lookup);
        if (leaks(config.to_string())) {
            __builtin_trap();
        }
    } catch (const goldenpath::ConfigError& error) {
        if (leaks(error.what())) {
            __builtin_trap();
        }
    }
    return 0;
}
