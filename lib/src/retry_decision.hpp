// Which failed connection attempts a RetryPolicy may retry. Internal.
#pragma once

#include "goldenpath/failure.hpp"

namespace goldenpath::detail {

// Refused, timed out, unresolved or dropped connections and 5xx answers may succeed on a retry;
// anything the server or the configuration decided (4xx, TLS, protocol) will not.
bool is_retryable(const Failure& failure);

}  // namespace goldenpath::detail
