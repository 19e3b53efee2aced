#pragma once

#include <iosfwd>

#include "goldenpath/clock.hpp"
#include "goldenpath/deployment_environment.hpp"

namespace goldenpath {

// Connection retries (docs/wire-contract.md). Backoff before attempt n (n >= 1) is
// min(initial * multiplier^(n-1), max) with +-jitter fraction; the overall deadline bounds all.
struct RetryPolicy {
    int max_attempts = 1;  // per URL, >= 1
    Milliseconds initial_backoff{100};
    double multiplier = 2.0;
    Milliseconds max_backoff{2000};
    double jitter = 0.2;  // 0..1
    Milliseconds overall_deadline{10000};

    RetryPolicy();  // overall_deadline times GOLDENPATH_TIMEOUT_SCALE

    // Backoff before retry number `retry` (1 = first retry), without jitter.
    Milliseconds backoff_before(int retry) const;

    static RetryPolicy defaults_for(DeploymentEnvironment environment);
    friend bool operator==(const RetryPolicy&, const RetryPolicy&) = default;
};
std::ostream& operator<<(std::ostream& out, const RetryPolicy& policy);  // every setting

}  // namespace goldenpath
