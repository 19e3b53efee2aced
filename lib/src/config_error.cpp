#include "goldenpath/config_error.hpp"

#include <memory>
#include <utility>

namespace goldenpath {

namespace {

// "[id] (field) requirement, but is actual": the nlohmann/json error shape (docs/architecture.md).
std::string compose_message(const std::string& id, const std::string& field,
                            const std::string& requirement, const std::string& actual) {
    std::string message;
    message.reserve(id.size() + field.size() + requirement.size() + actual.size() + 16);
    message += '[';
    message += id;
    message += "] (";
    message += field;
    message += ") ";
    message += requirement;
    message += ", but is ";
    message += actual;
    return message;
}

}  // namespace

ConfigError::ConfigError(std::string id, std::string field, std::string requirement,
                         std::string actual)
    : std::runtime_error(compose_message(id, field, requirement, actual)),
      parts_(std::make_shared<const Parts>(
          Parts{std::move(id), std::move(field), std::move(requirement), std::move(actual)})) {}

}  // namespace goldenpath
