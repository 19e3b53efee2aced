#include "terminal_style.hpp"

#include <unistd.h>

#include <cstdlib>
#include <optional>

#include <fmt/format.h>

namespace goldenpath::cli {

Style Style::for_stdout() {
    return Style(isatty(STDOUT_FILENO) == 1 && std::getenv("NO_COLOR") == nullptr);
}

std::string Style::lines(const std::string& text) const {
    if (!colour_) {
        return text;
    }
    std::string out;
    std::size_t begin = 0;
    while (begin < text.size()) {
        auto end = text.find('\n', begin);
        end = end == std::string::npos ? text.size() : end + 1;
        out += line(std::string_view(text).substr(begin, end - begin));
        begin = end;
    }
    return out;
}

std::string Style::paint(std::string_view code, std::string_view text) const {
    return colour_ ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : std::string(text);
}

std::string Style::line(std::string_view text) const {
    const auto replace_after = [&](std::string_view prefix, std::string_view word,
                                   const std::string& painted) -> std::optional<std::string> {
        const auto at = text.find(std::string(prefix) + std::string(word));
        if (at == std::string_view::npos) {
            return std::nullopt;
        }
        const auto word_at = at + prefix.size();
        return std::string(text.substr(0, word_at)) + painted +
               std::string(text.substr(word_at + word.size()));
    };
    if (auto done = replace_after("verdict: ", "PASS", pass("PASS"))) {
        return *done;
    }
    if (auto done = replace_after("verdict: ", "FAIL", fail("FAIL"))) {
        return *done;
    }
    if (text.starts_with("failures: ")) {
        const auto rest = text.substr(10);
        const bool newline = rest.ends_with('\n');
        return "failures: " + kind(rest.substr(0, rest.size() - (newline ? 1 : 0))) +
               (newline ? "\n" : "");
    }
    if (text.starts_with("sla ") || text.starts_with("isolation: ")) {
        if (auto done = replace_after(" ", "held", pass("held"))) {
            return *done;
        }
        if (auto done = replace_after(" ", "violated", fail("violated"))) {
            return *done;
        }
        if (text.starts_with("isolation: ")) {
            return fail(text.substr(0, text.size() - 1)) + "\n";
        }
    }
    return std::string(text);
}

}  // namespace goldenpath::cli
