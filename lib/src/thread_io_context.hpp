// The io_context a blocking call (GoldenPathJourney::run) runs its coroutines on: one per thread,
// reused by the calls the thread makes one after another. Internal (Asio).
#pragma once

#include <optional>

#include <boost/asio/io_context.hpp>

namespace goldenpath::detail {

// Lends the calling thread's io_context for one blocking call. Making a context each call costs an
// epoll descriptor, an eventfd and a timerfd: `strace -c` counts 64 system calls a sequential
// journey with a context of its own, 56 with the thread's. A call made while the thread's context
// is lent (a blocking call from inside a handler) gets a context of its own. A call that ends with
// an exception drops the thread's context with whatever was still queued on it, as its own context
// would have been dropped.
class ThreadIoContext {
  public:
    ThreadIoContext();
    ~ThreadIoContext();
    ThreadIoContext(const ThreadIoContext&) = delete;
    ThreadIoContext& operator=(const ThreadIoContext&) = delete;

    boost::asio::io_context& get() noexcept { return *context_; }

  private:
    std::optional<boost::asio::io_context> own_;  // set when the thread's context was lent already
    boost::asio::io_context* context_ = nullptr;
    int uncaught_;
};

}  // namespace goldenpath::detail
