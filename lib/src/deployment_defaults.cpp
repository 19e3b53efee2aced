// The deployment environments and the timeouts and retries each implies by default.
#include <algorithm>
#include <cmath>
#include <optional>
#include <ostream>

#include "enum_names.hpp"
#include "goldenpath/config_error.hpp"
#include "goldenpath/endpoint_config.hpp"
#include "goldenpath/timeout_scale.hpp"
#include "text_helpers.hpp"

namespace goldenpath {

namespace {

constexpr detail::EnumNames<DeploymentEnvironment, 3> kEnvironmentNames{{
    {DeploymentEnvironment::development, "development"},
    {DeploymentEnvironment::staging, "staging"},
    {DeploymentEnvironment::production, "production"},
}};

}  // namespace

std::string_view to_string(DeploymentEnvironment environment) noexcept {
    return detail::name_of(kEnvironmentNames, environment);
}

std::ostream& operator<<(std::ostream& out, DeploymentEnvironment environment) {
    return out << to_string(environment);
}

DeploymentEnvironment parse_environment(std::string_view text, std::string_view field) {
    const std::optional<DeploymentEnvironment> environment =
        detail::enum_named(kEnvironmentNames, detail::lower_ascii(detail::trim(text)));
    if (!environment) {
        throw ConfigError("goldenpath.env", std::string(field),
                          "must be development, staging or production", detail::shown(text));
    }
    return *environment;
}

Timeouts Timeouts::defaults_for(DeploymentEnvironment environment) {
    if (environment == DeploymentEnvironment::development) {
        return Timeouts{};  // the member initialisers are the development values
    }
    Timeouts timeouts;
    timeouts.connect = Milliseconds{5000};
    timeouts.tls = Milliseconds{5000};
    timeouts.upgrade = Milliseconds{5000};
    timeouts.ready = Milliseconds{5000};
    timeouts.first_event = Milliseconds{10000};
    timeouts.close = Milliseconds{1000};
    timeouts.linger = Milliseconds{0};
    const bool production = environment == DeploymentEnvironment::production;
    timeouts.completion = Milliseconds{production ? 60000 : 30000};
    timeouts.max_gap = Milliseconds{production ? 30000 : 15000};
    return scaled(timeouts);
}

Milliseconds RetryPolicy::backoff_before(int retry) const {
    if (retry < 1) {
        return Milliseconds{0};
    }
    const auto cap = static_cast<double>(max_backoff.count());
    double backoff = static_cast<double>(initial_backoff.count()) *
                     std::pow(multiplier, static_cast<double>(retry - 1));
    if (!std::isfinite(backoff) || backoff > cap) {
        backoff = cap;  // also covers overflow for large retry numbers
    }
    return Milliseconds{std::llround(std::max(backoff, 0.0))};
}

RetryPolicy RetryPolicy::defaults_for(DeploymentEnvironment environment) {
    RetryPolicy retry;  // the member initialisers are the development values
    if (environment == DeploymentEnvironment::staging) {
        retry.max_attempts = 3;
        retry.initial_backoff = Milliseconds{250};
        retry.max_backoff = Milliseconds{4000};
        retry.overall_deadline = scaled(Milliseconds{30000});
    } else if (environment == DeploymentEnvironment::production) {
        retry.max_attempts = 3;
        retry.initial_backoff = Milliseconds{500};
        retry.max_backoff = Milliseconds{8000};
        retry.overall_deadline = scaled(Milliseconds{60000});
    }
    return retry;
}
}  // namespace goldenpath
