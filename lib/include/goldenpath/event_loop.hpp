#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "goldenpath/clock.hpp"

namespace goldenpath {

namespace detail {
struct EventLoopAccess;
}  // namespace detail

// Where completion callbacks run, for callers with an executor of their own (a GUI loop, a
// thread pool, an Asio io_context behind a lambda): instead of running a callback, the loop hands
// it to this function, which must run it exactly once, on whatever thread it likes. Empty = the
// callback runs on the loop.
using CompletionExecutor = std::function<void(std::function<void()>)>;

// One I/O event loop (an Asio io_context behind a pimpl) that drives any number of
// AsyncWebSocketClient connections and asynchronous journeys: no thread per connection.
//
// - threads >= 1: the loop runs on that many threads of its own from construction until
//   destruction. Each connection's handlers run one at a time (a strand per connection), so a
//   small pool (2 on 2 cores) is safe; completion callbacks then come from those threads.
// - threads == 0: nothing runs until the caller drives the loop with run(), run_for() or poll()
//   from a thread of its own choosing, e.g. from its own executor's task, or from a test's thread.
//   This is how the loop is used "on the caller's executor" without our headers exposing Asio;
//   a CompletionExecutor moves only the callbacks there and leaves the I/O on the loop.
//
// The destructor stops the loop and joins its threads; handlers that have not run are destroyed
// without running, so destroy clients and finish journeys first. A callback that throws is caught,
// counted in handler_exceptions() and written to stderr; the loop keeps running.
// Thread-safe: post(), threads() and handler_exceptions() from any thread, handlers included;
// run(), run_for(), poll() and the destructor from one thread at a time, never from a handler.
class EventLoop {
  public:
    static constexpr std::size_t kMaxThreads = 64;

    // Throws ConfigError ("goldenpath.event_loop", /threads) when threads > kMaxThreads.
    explicit EventLoop(std::size_t threads = 1);
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    std::size_t threads() const noexcept;

    // Queues `task` to run on the loop.
    void post(std::function<void()> task);

    // For threads == 0 (throw std::logic_error otherwise): run handlers on the calling thread.
    // run(): until no work is left; run_for(): until no work is left or `limit` passed; poll():
    // only handlers that are ready now. Each returns the number of handlers run.
    std::size_t run();
    std::size_t run_for(Milliseconds limit);
    std::size_t poll();

    std::size_t handler_exceptions() const noexcept;

  private:
    class Impl;
    // The library's own asynchronous types reach the io_context through it (event_loop_impl.hpp).
    friend struct detail::EventLoopAccess;
    std::unique_ptr<Impl> impl_;
};

}  // namespace goldenpath
