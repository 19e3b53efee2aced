#include "json_reader.hpp"

#include <cstdint>

#include <fmt/format.h>

#include "bounded_text.hpp"

namespace goldenpath::detail {

std::string json_text(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string quoted_json(const nlohmann::json& value) {
    return bounded(json_text(value), kMaxQuotedJsonBytes);
}

std::string pointer_token(std::string_view key) {
    return (nlohmann::json::json_pointer() / std::string(key)).to_string().substr(1);
}

std::string child_pointer(std::string_view pointer, std::string_view key) {
    std::string child(pointer);
    child += '/';
    child += pointer_token(key);
    return child;
}

std::string child_pointer(std::string_view pointer, std::size_t index) {
    return fmt::format("{}/{}", pointer, index);
}

ConfigError JsonReader::error(std::string_view pointer, std::string_view requirement,
                              const nlohmann::json& value) const {
    return ConfigError(error_id_, std::string(pointer), std::string(requirement),
                       quoted_json(value));
}

void JsonReader::fail(std::string_view pointer, std::string_view requirement,
                      const nlohmann::json& value) const {
    throw error(pointer, requirement, value);
}

void JsonReader::fail_showing(std::string_view pointer, std::string_view requirement,
                              std::string actual) const {
    throw ConfigError(error_id_, std::string(pointer), std::string(requirement), std::move(actual));
}

void JsonReader::require_object(const nlohmann::json& value, std::string_view pointer,
                                std::string_view requirement) const {
    if (!value.is_object()) {
        fail(pointer, requirement, value);
    }
}

const std::string& JsonReader::string(const nlohmann::json& value, std::string_view pointer,
                                      std::string_view requirement) const {
    if (!value.is_string()) {
        fail(pointer, requirement, value);
    }
    return value.get_ref<const std::string&>();
}

bool JsonReader::boolean(const nlohmann::json& value, std::string_view pointer,
                         std::string_view requirement) const {
    if (!value.is_boolean()) {
        fail(pointer, requirement, value);
    }
    return value.get<bool>();
}

long long JsonReader::integer(const nlohmann::json& value, std::string_view pointer, long long min,
                              long long max, std::string_view requirement) const {
    if (!value.is_number_integer()) {
        fail(pointer, requirement, value);
    }
    const bool above = value.is_number_unsigned()
                           ? value.get<std::uint64_t>() > static_cast<std::uint64_t>(max)
                           : value.get<std::int64_t>() > max;
    if (above) {
        fail(pointer, fmt::format("must be at most {}", max), value);
    }
    const auto number = value.get<std::int64_t>();
    if (number < min) {
        fail(pointer, requirement, value);
    }
    return number;
}

double JsonReader::number(const nlohmann::json& value, std::string_view pointer, double min,
                          double max, std::string_view requirement) const {
    if (!value.is_number()) {
        fail(pointer, requirement, value);
    }
    const auto number = value.get<double>();
    if (!(number >= min && number <= max)) {
        fail(pointer, requirement, value);
    }
    return number;
}

}  // namespace goldenpath::detail
