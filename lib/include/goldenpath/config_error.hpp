#pragma once

#include <memory>
#include <stdexcept>
#include <string>

namespace goldenpath {

// Thrown for invalid configuration, profiles and URLs. The message follows nlohmann/json's style:
// a stable id, a JSON pointer naming the field, then "must be X, but is Y", e.g.
//   [goldenpath.config] (/port) must be 1-65535, but is 70000
// The offending value is quoted as given, except tokens, which are never quoted.
// Copying one never throws (its parts are shared, immutable), as an exception's copy must not.
class ConfigError : public std::runtime_error {
  public:
    ConfigError(std::string id, std::string field, std::string requirement, std::string actual);

    // "goldenpath.config", "goldenpath.profile", "goldenpath.url", "goldenpath.env"
    const std::string& id() const noexcept { return parts_->id; }
    // JSON pointer ("/port") or environment variable name ("GOLDENPATH_TIMEOUT_MS").
    const std::string& field() const noexcept { return parts_->field; }
    const std::string& requirement() const noexcept { return parts_->requirement; }
    // The offending value as given (already redacted when it could hold a secret).
    const std::string& actual() const noexcept { return parts_->actual; }

  private:
    struct Parts {
        std::string id;
        std::string field;
        std::string requirement;
        std::string actual;
    };
    std::shared_ptr<const Parts> parts_;
};

}  // namespace goldenpath
