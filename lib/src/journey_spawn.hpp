// Starts a journey on an EventLoop and reports an exception instead of throwing it on the loop,
// for callers that must account for every journey (LoadRun). Internal.
#pragma once

#include <exception>
#include <functional>

#include "goldenpath/event_loop.hpp"
#include "goldenpath/golden_path_journey.hpp"

namespace goldenpath::detail {

// `done` runs on the loop exactly once: with the result, or with the exception the journey
// threw (a client factory that throws, say) and a result that holds only the ids.
using JourneyCompletion = std::function<void(std::exception_ptr, JourneyResult)>;
void spawn_journey(EventLoop& loop, JourneyOptions options, JourneyCompletion done);

}  // namespace goldenpath::detail
