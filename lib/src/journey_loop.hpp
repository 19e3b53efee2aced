// The receive loop of one connected journey: the ready event, the start message, the events, the
// close and the verdict, with the failure that explains it.
#pragma once

#include <memory>

#include <boost/asio/awaitable.hpp>

#include "client_port.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "journey_draft.hpp"

namespace goldenpath::detail {

// After the connect: runs the journey on `client` and makes its result from `draft`, which the
// caller keeps unchanged (a failed attempt's next try starts from it), and what the run found.
boost::asio::awaitable<std::unique_ptr<JourneyResult>> run_connected(const JourneyOptions& options,
                                                                     ClientPort& client,
                                                                     const JourneyDraft& draft);

}  // namespace goldenpath::detail
