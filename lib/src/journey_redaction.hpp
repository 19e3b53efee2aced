#pragma once

#include "goldenpath/endpoint_config.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/protocol_profile.hpp"
#include "goldenpath/redactor.hpp"

namespace goldenpath::detail {

// Every secret a journey is configured with: all tokens (a server may echo any of them), the
// values of the profile's secret query parameters in the configured URLs (as written and
// decoded), and the values of credential headers (Authorization, Cookie, names holding one of
// the secret parameter names, such as X-Api-Key).
Redactor journey_redactor(const EndpointConfig& config, const ProtocolProfile& profile);

// Passes every string of `result` a server may have put text into (frames, timeline, verdict,
// failure and attempts, ids, URL) through `redactor`: the one redaction step of a journey, so
// whatever is printed from the result (human lines, JSON, JUnit, traces, load reports) is clean.
void redact_result(JourneyResult& result, const Redactor& redactor);

}  // namespace goldenpath::detail
