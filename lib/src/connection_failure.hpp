// What both client connections (WebSocket and event stream) do to a failure before they return
// it. Internal.
#pragma once

#include "goldenpath/clock.hpp"
#include "goldenpath/failure.hpp"
#include "goldenpath/redactor.hpp"

namespace goldenpath::detail {

// `failure` finished: retryable by its kind, a timeout's wait since `started`, the loud note when
// certificates were not verified, every text redacted, and with `record_attempt` one Attempt for
// the connect loop.
Failure finish_connection_failure(Failure failure, Clock::time_point started,
                                  const Redactor& redactor, bool verification_skipped,
                                  bool record_attempt);

}  // namespace goldenpath::detail
