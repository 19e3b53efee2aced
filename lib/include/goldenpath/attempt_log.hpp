#pragma once
// The connection attempts of one journey, kept for its failure: what each attempt ended with,
// when it started (back-off waits included) and how long all of them took together.

#include <vector>

#include "goldenpath/clock.hpp"
#include "goldenpath/failure.hpp"

namespace goldenpath {

// Not thread-safe, like a standard container: only const members may run concurrently.
class AttemptLog {
  public:
    AttemptLog() noexcept;  // the journey's attempts start now

    // Keeps the attempts of `failure`, the outcome of an attempt that started at `attempt_started`
    // (one attempt made from the failure itself when the client listed none).
    void record(const Failure& failure, Clock::time_point attempt_started);
    // Hands every attempt kept so far to `failure`, and the time since the log started as its
    // total_ms (the attempts and the back-off between them).
    void finish(Failure& failure) const;

  private:
    Clock::time_point started_;
    std::vector<Attempt> attempts_;
};

}  // namespace goldenpath
