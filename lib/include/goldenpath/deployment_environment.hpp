#pragma once

#include <iosfwd>
#include <string_view>

namespace goldenpath {

enum class DeploymentEnvironment { development, staging, production };

std::string_view to_string(DeploymentEnvironment environment) noexcept;
// "development", "staging", "production" (case-insensitive); else ConfigError naming `field`.
DeploymentEnvironment parse_environment(std::string_view text, std::string_view field);
// Writes to_string(environment); also what GoogleTest prints.
std::ostream& operator<<(std::ostream& out, DeploymentEnvironment environment);

}  // namespace goldenpath
