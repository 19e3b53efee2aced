#pragma once

#include <iosfwd>

#include "goldenpath/clock.hpp"
#include "goldenpath/deployment_environment.hpp"

namespace goldenpath {

// Deadline of each journey phase (docs/wire-contract.md "Deadlines and gaps").
struct Timeouts {
    Milliseconds connect{1000};
    Milliseconds tls{1000};
    Milliseconds upgrade{1000};
    Milliseconds ready{1000};
    Milliseconds first_event{2000};
    Milliseconds completion{10000};  // whole run, from the start message
    Milliseconds max_gap{5000};      // silence between run events before `stalled`
    Milliseconds close{500};         // graceful close handshake
    Milliseconds linger{0};          // keep reading after completion

    Timeouts();  // the values above times GOLDENPATH_TIMEOUT_SCALE (goldenpath/timeout_scale.hpp)
    static Timeouts defaults_for(DeploymentEnvironment environment);
    friend bool operator==(const Timeouts&, const Timeouts&) = default;
};
std::ostream& operator<<(std::ostream& out, const Timeouts& timeouts);  // every deadline

}  // namespace goldenpath
