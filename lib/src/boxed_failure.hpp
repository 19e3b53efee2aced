// A Failure on the heap, or none: what the coroutines on a connection's way to open return, and
// what a connection keeps of a failure that rarely happens (an invalid close frame). An
// std::optional<Failure> is 408 bytes, and every coroutine frame that returns one (its promise)
// or awaits one (the local that takes it) keeps those bytes for as long as the frame lives; with
// 10 000 users connecting at once the connect chain held about 4.4 KB a connection that way
// (heaptrack, docs/performance.md). A BoxedFailure is one pointer; only a failure allocates.
// Internal.
#pragma once

#include <memory>
#include <optional>
#include <utility>

#include "goldenpath/failure.hpp"

namespace goldenpath::detail {

class BoxedFailure {
  public:
    BoxedFailure() noexcept = default;
    // Implicit, so that `co_return std::nullopt;` and `co_return failure;` read as they do for an
    // std::optional<Failure>.
    BoxedFailure(std::nullopt_t /*none*/) noexcept {}  // NOLINT(google-explicit-constructor)
    BoxedFailure(Failure failure)                      // NOLINT(google-explicit-constructor)
        : failure_(std::make_unique<Failure>(std::move(failure))) {}
    BoxedFailure(std::optional<Failure> failure) {  // NOLINT(google-explicit-constructor)
        if (failure) {
            failure_ = std::make_unique<Failure>(std::move(*failure));
        }
    }

    explicit operator bool() const noexcept { return failure_ != nullptr; }
    Failure& operator*() const noexcept { return *failure_; }
    Failure* operator->() const noexcept { return failure_.get(); }

    // The failure as the public API returns it.
    std::optional<Failure> take() && {
        if (!failure_) {
            return std::nullopt;
        }
        return std::move(*failure_);
    }

  private:
    std::unique_ptr<Failure> failure_;
};

}  // namespace goldenpath::detail
