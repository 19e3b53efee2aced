#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace goldenpath {

// Every configured secret of a journey (tokens, secret query values, credential headers), and
// how to take them out of text a server may have put together. A secret is found in its raw
// form and in the forms it takes once escaped: JSON (with and without \u escapes of non-ASCII),
// percent-encoded (either hex case), XML/HTML-escaped, and JSON inside JSON or XML.
// Not thread-safe, like a standard container: only const members may run concurrently.
class Redactor {
  public:
    // A piece of a secret this long or longer left at a cut edge is removed as well.
    static constexpr std::size_t kMinPartial = 4;

    Redactor() = default;
    explicit Redactor(const std::vector<std::string>& secrets);

    // Registers `secret` and its escaped forms; an empty secret is ignored.
    void add(std::string_view secret);
    bool empty() const noexcept { return forms_.empty(); }

    // Every occurrence of every form of every secret replaced by "***", in one pass (the mask
    // is never searched again).
    std::string redact(std::string text) const;
    // For text that may have been cut somewhere else (an excerpt, a summary value ending in
    // "..."): redact(), then any piece of a secret of kMinPartial bytes or more left at either
    // edge of the text or at an ellipsis replaced by "***" as well.
    std::string redact_excerpt(std::string text) const;
    // At most `max_bytes` of `text` for a message: redacted BEFORE it is cut (on a UTF-8
    // boundary), then any piece of a secret left at the cut edge removed.
    std::string excerpt(std::string_view text, std::size_t max_bytes) const;

    // The forms in which `secret` is searched for (raw first, no duplicates).
    static std::vector<std::string> forms_of(std::string_view secret);

  private:
    std::string without_partial_edges(std::string text) const;

    std::vector<std::string> forms_;  // of all secrets, longest first, no duplicates
};

}  // namespace goldenpath
