#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// Replaces every occurrence of `secret` in `text` by "***": its raw text and the forms it takes
// once escaped (JSON, percent-encoded, XML); see Redactor for several secrets and excerpts.
std::string redact(std::string text, std::string_view secret);

// Replaces the value of every `param=` query parameter in `url_text` (a URL or a bare query) by
// "***": the value runs to the next '&' or '#' or the end. The name matches case-insensitively.
std::string redact_url_token(std::string url_text, std::string_view param = "token");

// The query parameter names whose values are secrets unless a profile says otherwise
// (ProtocolProfile::secret_query_params): token, access_token, api_key, key, password, secret, jwt.
std::vector<std::string> default_secret_query_params();

// redact_url_token for each of `params`, then redact_url_userinfo.
std::string redact_url_secrets(
    std::string url_text, const std::vector<std::string>& params = default_secret_query_params());

// "ws://user:password@host/ws" -> "ws://***@host/ws": the user information of a URL (which may
// hold a password) replaced by "***"; text without user information comes back unchanged.
std::string redact_url_userinfo(std::string url_text);

}  // namespace goldenpath

// fmt::format("{}", secret) yields "***".
template <>
struct fmt::formatter<goldenpath::Secret> : fmt::formatter<std::string_view> {
    template <typename FormatContext>
    auto format(const goldenpath::Secret&, FormatContext& ctx) const -> decltype(ctx.out()) {
        return fmt::formatter<std::string_view>::format(goldenpath::Secret::redacted(), ctx);
    }
};
