#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/core.h>

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

// "***", whatever the secret holds.
std::string to_string(const Secret& secret);
// Writes "***" (also what GoogleTest prints for a Secret).
std::ostream& operator<<(std::ostream& out, const Secret& secret);

// Replaces every occurrence of each secret's text in `text` by "***".
std::string redact(std::string text, std::string_view secret);

// Replaces the value of every `param=` query parameter in `url_text` (a URL or a bare query) by
// "***": the value runs to the next '&' or '#' or the end. The name matches case-insensitively.
std::string redact_url_token(std::string url_text, std::string_view param = "token");

}  // namespace goldenpath

// fmt::format("{}", secret) yields "***".
template <>
struct fmt::formatter<goldenpath::Secret> : fmt::formatter<std::string_view> {
    template <typename FormatContext>
    auto format(const goldenpath::Secret&, FormatContext& ctx) const -> decltype(ctx.out()) {
        return fmt::formatter<std::string_view>::format(goldenpath::Secret::redacted(), ctx);
    }
};
