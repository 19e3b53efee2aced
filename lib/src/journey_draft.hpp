// What a journey knows before its connection runs, and the JourneyResult made from it at the end.
#pragma once

#include <memory>
#include <string>

#include "goldenpath/golden_path_journey.hpp"

namespace goldenpath::detail {

// The ids, the URL and the connect's time, in the journey's frame while it runs. A JourneyResult
// is 872 bytes, most of them its failure and its verdict, which are known only at the end: made
// at the start, it took that much of every connection's memory for the whole run.
struct JourneyDraft {
    std::string url;
    std::string thread_id;
    std::string run_id;
    PhaseTimings timings;

    // A result with the draft's fields; the draft stays as it is for the next attempt.
    std::unique_ptr<JourneyResult> result() const {
        auto made = std::make_unique<JourneyResult>();
        made->url = url;
        made->thread_id = thread_id;
        made->run_id = run_id;
        made->timings = timings;
        return made;
    }
};

}  // namespace goldenpath::detail
