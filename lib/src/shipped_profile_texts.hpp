// The JSON text of shipped profiles other than the default, generated from
// fixtures/data/profiles/ by lib/CMakeLists.txt.
#pragma once

#include <string_view>

namespace goldenpath::detail {

std::string_view ag_ui_profile_text() noexcept;

}  // namespace goldenpath::detail
