#pragma once
// What both command-line tools share: --help and --version anywhere on the command line.

#include <iostream>
#include <optional>
#include <string_view>
#include <vector>

#include "goldenpath/version.hpp"

namespace goldenpath::cli {

// Prints the usage or the version and returns exit 0 when --help/-h or --version is present.
inline std::optional<int> help_or_version(const std::vector<std::string_view>& args,
                                          std::string_view tool, std::string_view usage) {
    for (const auto arg : args) {
        if (arg == "--help" || arg == "-h") {
            std::cout << usage;
            return 0;
        }
        if (arg == "--version") {
            std::cout << tool << " " << version_string << "\n";
            return 0;
        }
    }
    return std::nullopt;
}

}  // namespace goldenpath::cli
