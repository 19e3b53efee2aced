// Starts journeys on an EventLoop from one plan they all read: the options and the redactor are
// made once per GoldenPathJourney or LoadRun, not copied per journey (about 4 KB each), and each
// journey carries only what is its own (JourneyIdentity). Reports an exception instead of
// throwing it on the loop, for callers that must account for every journey (LoadRun). Internal.
#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "goldenpath/event_loop.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/redactor.hpp"
#include "goldenpath/url.hpp"

namespace goldenpath::detail {

// What every journey of a plan reads and none changes. `options.user` and the ids are not read:
// each journey's come in its JourneyIdentity.
struct JourneyPlan {
    JourneyOptions options;
    Redactor redactor;  // every string of every result passes it
    // options.config.candidate_urls(), made once: not copied into every journey's frame.
    std::vector<Url> candidate_urls;
};

// Completes the options (resolver) and builds the redactor.
std::shared_ptr<const JourneyPlan> make_journey_plan(JourneyOptions options);

// Whose journey it is: the user (token, generated ids) and the ids, generated when empty.
struct JourneyIdentity {
    std::size_t user = 0;
    std::string thread_id;
    std::string run_id;
};

// `done` runs on the loop exactly once: with the redacted result, or with the exception the
// journey threw (a client factory that throws, say) and an empty result.
using JourneyCompletion = std::function<void(std::exception_ptr, JourneyResult)>;
void spawn_journey(EventLoop& loop, std::shared_ptr<const JourneyPlan> plan,
                   JourneyIdentity identity, JourneyCompletion done);

}  // namespace goldenpath::detail
