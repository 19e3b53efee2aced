// The receive loop of one connected journey: the ready event, the start message, the events, the
// close and the verdict, with the failure that explains it.
#pragma once

#include <boost/asio/awaitable.hpp>

#include "client_port.hpp"
#include "goldenpath/golden_path_journey.hpp"

namespace goldenpath::detail {

// After the connect: runs the journey on `client` and completes `result`, which the caller keeps
// (one JourneyResult per journey, not one per coroutine frame).
boost::asio::awaitable<void> run_connected(const JourneyOptions& options, ClientPort& client,
                                           JourneyResult& result);

}  // namespace goldenpath::detail
