// The one place that spells the bearer Authorization header (docs/wire-contract.md "Auth").
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace goldenpath::detail {

// {"Authorization", "Bearer <token>"}.
std::pair<std::string, std::string> bearer_authorization(std::string_view token);

}  // namespace goldenpath::detail
