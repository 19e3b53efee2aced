// A profile's start_template filled in for one run: placeholders are replaced inside the
// template's parsed string values, so what a user typed is escaped as JSON by the serialiser and
// can never change the message's structure.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace goldenpath::detail {

struct StartValues {
    std::string_view text;
    std::string_view thread_id;
    std::string_view run_id;
    std::string_view message_id;
};

// `start_template` (checked by check_start_template) with every placeholder replaced.
nlohmann::json filled_start_template(const nlohmann::json& start_template,
                                     const StartValues& values);

}  // namespace goldenpath::detail
