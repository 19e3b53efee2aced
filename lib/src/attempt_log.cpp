#include "goldenpath/attempt_log.hpp"

namespace goldenpath {

AttemptLog::AttemptLog() noexcept : started_(Clock::now()) {}

void AttemptLog::record(const Failure& failure, Clock::time_point attempt_started) {
    double offset = elapsed_ms(started_, attempt_started);
    if (failure.attempts.empty()) {
        attempts_.push_back(Attempt{failure.url, failure.kind_label(), failure.detail,
                                    elapsed_ms(attempt_started, Clock::now()), offset});
        return;
    }
    // A client may list several tries of one attempt (e.g. one per resolved address): they ran
    // one after the other.
    for (Attempt attempt : failure.attempts) {
        attempt.started_ms = offset;
        offset += attempt.elapsed_ms;
        attempts_.push_back(std::move(attempt));
    }
}

void AttemptLog::finish(Failure& failure) const {
    failure.attempts = attempts_;
    failure.total_ms = elapsed_ms(started_, Clock::now());
}

}  // namespace goldenpath
