#include "goldenpath/shipped_profiles.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "goldenpath/config_error.hpp"
#include "json_reader.hpp"
#include "shipped_profile_texts.hpp"

namespace goldenpath {

namespace {

constexpr std::string_view kAgUi = "ag-ui";
constexpr std::string_view kAgentChat = "agent-chat-v1";

std::string known_names() {
    std::string names;
    for (const std::string& name : shipped_profile_names()) {
        names += names.empty() ? "" : ", ";
        names += name;
    }
    return names;
}

}  // namespace

std::vector<std::string> shipped_profile_names() {
    return {std::string(kAgentChat), std::string(kAgUi)};
}

std::optional<ProtocolProfile> shipped_profile(std::string_view name) {
    if (name == kAgentChat) {
        return default_profile();
    }
    if (name == kAgUi) {
        // Parsed per call: the text is small, and a profile is resolved once per run of a tool.
        return profile_from_json(nlohmann::json::parse(detail::ag_ui_profile_text()));
    }
    return std::nullopt;
}

bool is_profile_path(std::string_view value) {
    constexpr std::string_view kExtension = ".json";
    return value.find('/') != std::string_view::npos ||
           value.find('\\') != std::string_view::npos ||
           (value.size() >= kExtension.size() &&
            value.substr(value.size() - kExtension.size()) == kExtension);
}

void check_profile_name(std::string_view value, std::string_view field) {
    if (is_profile_path(value) || value == kAgentChat || value == kAgUi) {
        return;
    }
    throw ConfigError("goldenpath.profile", std::string(field),
                      fmt::format("must be a profile file (a path with '/' or ending in .json) "
                                  "or a shipped profile name ({})",
                                  known_names()),
                      detail::quoted_json(nlohmann::json(std::string(value))));
}

ProtocolProfile resolve_profile(std::string_view path_or_name, std::string_view field) {
    if (is_profile_path(path_or_name)) {
        return load_profile(std::filesystem::path(path_or_name));
    }
    check_profile_name(path_or_name, field);
    return *shipped_profile(path_or_name);
}

}  // namespace goldenpath
