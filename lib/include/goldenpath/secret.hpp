#pragma once

#include <string>
#include <string_view>

namespace goldenpath {

// A token or other credential. It prints as "***" everywhere (to_string, fmt, streams), so it
// cannot leak into logs, failure messages or reports by accident; reveal() is the only way out.
class Secret {
public:
    Secret() = default;
    explicit Secret(std::string value) : value_(std::move(value)) {}

    bool empty() const noexcept { return value_.empty(); }
    std::string_view reveal() const noexcept { return value_; }
    static constexpr std::string_view redacted() noexcept { return "***"; }

    friend bool operator==(const Secret&, const Secret&) = default;

private:
    std::string value_;
};

// Replaces every occurrence of each secret's text in `text` by "***".
std::string redact(std::string text, std::string_view secret);

}  // namespace goldenpath
