#include "goldenpath/timeout_scale.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "goldenpath/config_error.hpp"
#include "goldenpath/endpoint_config.hpp"

namespace goldenpath {

namespace {

constexpr std::string_view kRequirement =
    "must be a positive decimal number up to 100 (e.g. 3 or 1.5)";

[[noreturn]] void reject(std::string_view text) {
    std::string shown = "\"";
    shown += text;
    shown += '"';
    throw ConfigError("goldenpath.env", std::string(kTimeoutScaleVariable),
                      std::string(kRequirement), shown);
}

// Digits with at most one '.', at least one digit: no sign, exponent, "inf" or "nan".
bool is_plain_decimal(std::string_view text) {
    bool seen_digit = false;
    bool seen_point = false;
    for (const char c : text) {
        if (c >= '0' && c <= '9') {
            seen_digit = true;
        } else if (c == '.' && !seen_point) {
            seen_point = true;
        } else {
            return false;
        }
    }
    return seen_digit;
}

Milliseconds scale_by(Milliseconds default_deadline, double factor) {
    if (default_deadline.count() <= 0) {
        return default_deadline;
    }
    const auto product = std::llround(static_cast<double>(default_deadline.count()) * factor);
    return Milliseconds{std::max<long long>(product, 1)};
}

}  // namespace

double parse_timeout_scale(std::string_view text) {
    if (!is_plain_decimal(text)) {
        reject(text);
    }
    double factor = 0.0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), factor);
    if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(factor) ||
        factor <= 0.0 || factor > kMaxTimeoutScale) {
        reject(text);
    }
    return factor;
}

double timeout_scale() {
    const char* value = std::getenv(std::string(kTimeoutScaleVariable).c_str());
    if (value == nullptr) {
        return 1.0;
    }
    return parse_timeout_scale(value);
}

Milliseconds scaled(Milliseconds default_deadline) {
    return scale_by(default_deadline, timeout_scale());
}

Timeouts scaled(const Timeouts& timeouts) {
    const double factor = timeout_scale();
    Timeouts result = timeouts;
    for (Milliseconds* deadline :
         {&result.connect, &result.tls, &result.upgrade, &result.ready, &result.first_event,
          &result.completion, &result.max_gap, &result.close, &result.linger}) {
        *deadline = scale_by(*deadline, factor);
    }
    return result;
}

// The member initialisers are the unscaled development defaults; every default-constructed
// Timeouts (ConnectRequest, EndpointConfig, Timeouts::defaults_for) carries the scaled ones.
Timeouts::Timeouts() {
    *this = scaled(static_cast<const Timeouts&>(*this));
}

RetryPolicy::RetryPolicy() {
    overall_deadline = scaled(overall_deadline);
}

}  // namespace goldenpath
