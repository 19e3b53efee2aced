// EventLoop's io_context, for the library's asynchronous types. Internal (Asio).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "goldenpath/event_loop.hpp"

namespace goldenpath {

class EventLoop::Impl {
  public:
    explicit Impl(std::size_t threads);
    ~Impl();
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    boost::asio::io_context& context() noexcept { return context_; }
    std::size_t threads() const noexcept { return thread_count_; }
    std::size_t handler_exceptions() const noexcept { return handler_exceptions_.load(); }

    // Calls `run` (one of io_context's run functions) again after a handler threw, until it
    // returns normally; the exception is counted and written to stderr.
    std::size_t guarded(const std::function<std::size_t()>& run);
    // Calls `run_one` until it returns 0, counting handlers, also those that threw.
    std::size_t count_guarded(const std::function<std::size_t()>& run_one);

  private:
    std::size_t thread_count_;
    boost::asio::io_context context_;
    std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
    std::atomic<std::size_t> handler_exceptions_{0};
    std::vector<std::thread> threads_;
};

namespace detail {

// The loop's io_context, for the library's asynchronous types; users see no Asio.
struct EventLoopAccess {
    static boost::asio::io_context& context(EventLoop& loop) noexcept {
        return loop.impl_->context();
    }
};

}  // namespace detail

}  // namespace goldenpath
