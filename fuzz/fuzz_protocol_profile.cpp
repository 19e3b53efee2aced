// Profile JSON: only ConfigError may escape profile_from_json, and a loaded profile survives the
// to_json round trip unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "goldenpath/config_error.hpp"
#include "goldenpath/protocol_profile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded()) {
        return 0;
    }
    try {
        const auto profile = goldenpath::profile_from_json(json);
        const auto dumped = goldenpath::to_json(profile);
        if (goldenpath::to_json(goldenpath::profile_from_json(dumped)) != dumped) {
            __builtin_trap();
        }
        (void)profile.start_message("hello", "thread", "run");
        (void)profile.subprotocol_for("token");
    } catch (const goldenpath::ConfigError&) {
    }
    return 0;
}
