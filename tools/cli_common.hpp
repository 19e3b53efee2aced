#pragma once
// What the command-line tools (goldenpath-probe, goldenpath-server, goldenpath-bench) share: CLI11
// for the parsing, with the error messages of their contract (docs/staging-and-load.md): `unknown
// flag: --x`, `--x needs a value`, `--x must be an integer MIN-MAX, but is "V"`.

#include <algorithm>
#include <charconv>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "goldenpath/version.hpp"

namespace goldenpath::cli {

// Bad usage: the tools print the message and exit 2.
struct UsageError {
    std::string message;
};

// Prints the usage or the version and returns exit 0 when --help/-h or --version is anywhere on
// the command line, even after a bad flag (so it runs before the parser).
inline std::optional<int> help_or_version(const std::vector<std::string>& args,
                                          std::string_view tool, std::string_view usage) {
    for (const auto& arg : args) {
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

template <typename Int>
Int parse_integer(std::string_view text, std::string_view flag, Int min, Int max) {
    Int value{};
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || text.empty() || value < min || value > max) {
        throw UsageError{
            fmt::format("{} must be an integer {}-{}, but is \"{}\"", flag, min, max, text)};
    }
    return value;
}

// An application whose flags keep the last value when repeated (as the hand-written parsers did)
// and that leaves unknown arguments to parse() to name.
inline void configure(CLI::App& app) {
    app.set_help_flag();  // help_or_version() answers --help before parsing
    app.allow_extras();
    app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

// `--flag VALUE` into an optional string, left empty when the flag is absent.
inline CLI::Option* add_text(CLI::App& app, const std::string& flag,
                             std::optional<std::string>& target) {
    return app.add_option_function<std::string>(
        flag, [&target](const std::string& value) { target = value; });
}

// `--flag VALUE`, repeatable, one value each time.
inline CLI::Option* add_repeated(CLI::App& app, const std::string& flag,
                                 std::vector<std::string>& target) {
    return app.add_option(flag, target)
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

// `--flag N` with N an integer in [min, max]; the callback's UsageError passes through CLI11.
template <typename Int>
CLI::Option* add_integer(CLI::App& app, const std::string& flag, Int& target, Int min, Int max) {
    return app.add_option_function<std::string>(
        flag, [&target, flag, min, max](const std::string& value) {
            target = parse_integer<Int>(value, flag, min, max);
        });
}

template <typename Int>
CLI::Option* add_integer(CLI::App& app, const std::string& flag, std::optional<Int>& target,
                         Int min, Int max) {
    return app.add_option_function<std::string>(
        flag, [&target, flag, min, max](const std::string& value) {
            target = parse_integer<Int>(value, flag, min, max);
        });
}

// Parses `args` (without the program name), turning CLI11's errors into the contract's messages.
// Throws UsageError.
inline void parse(CLI::App& app, std::vector<std::string> args) {
    std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last first
    try {
        app.parse(args);
    } catch (const CLI::ArgumentMismatch& error) {
        // CLI11 says "--flag: 1 required TEXT missing" when the last flag has no value.
        const std::string_view what = error.what();
        throw UsageError{fmt::format("{} needs a value", what.substr(0, what.find(':')))};
    } catch (const CLI::ParseError& error) {
        throw UsageError{error.what()};
    }
}

// The first argument a parsed application (or subcommand) did not recognise, if any.
inline std::optional<std::string> first_unknown(const CLI::App& app) {
    const auto remaining = app.remaining();
    if (remaining.empty()) {
        return std::nullopt;
    }
    return remaining.front();
}

}  // namespace goldenpath::cli
