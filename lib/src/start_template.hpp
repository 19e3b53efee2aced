// A profile's start_template filled in for one run: placeholders are replaced inside the
// template's parsed string values, so what a user typed is escaped as JSON by the serialiser and
// can never change the message's structure.
#pragma once

#include <optional>
#include <string>
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

struct StartIds {
    std::string thread_id;
    std::string run_id;
};

// What a server reads of a start message written from `start_template`: nullopt unless `message`
// is an object with every top-level field of the template that holds a placeholder (AG-UI's
// RunAgentInput has no type, but threadId, runId and messages); else the ids found where the
// template has the exact string "{thread_id}" and "{run_id}" (empty when absent or not strings).
std::optional<StartIds> template_start_ids(const nlohmann::json& start_template,
                                           const nlohmann::json& message);

}  // namespace goldenpath::detail
