#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "goldenpath/protocol_profile.hpp"
#include "goldenpath/script.hpp"

namespace goldenpath::bench {

// The frames of one golden path as goldenpath's server sends them, ids of `run` filled in: the
// input of the verifier and parse workloads of both benchmark drivers.
inline std::vector<std::string> golden_frames(const ProtocolProfile& profile, std::size_t run) {
    std::vector<std::string> frames;
    const auto script = Script::golden_path(profile);
    for (const auto& step : script.steps()) {
        auto event = step.event;
        event[profile.thread_id_field] = fmt::format("thread-{}", run);
        event[profile.run_id_field] = fmt::format("run-{}", run);
        frames.push_back(event.dump());
    }
    return frames;
}

}  // namespace goldenpath::bench
