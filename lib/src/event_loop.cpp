#include "goldenpath/event_loop.hpp"

#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

#include <boost/asio/post.hpp>

#include "event_loop_impl.hpp"
#include "goldenpath/config_error.hpp"

namespace goldenpath {

EventLoop::Impl::Impl(std::size_t threads) : thread_count_(threads) {
    if (threads > kMaxThreads) {
        throw ConfigError("goldenpath.event_loop", "/threads",
                          "must be 0-" + std::to_string(kMaxThreads), std::to_string(threads));
    }
    if (threads == 0) {
        return;
    }
    work_.emplace(context_.get_executor());
    threads_.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i) {
        threads_.emplace_back([this] { guarded([this] { return context_.run(); }); });
    }
}

EventLoop::Impl::~Impl() {
    work_.reset();
    context_.stop();
    for (auto& thread : threads_) {
        thread.join();
    }
}

std::size_t EventLoop::Impl::guarded(const std::function<std::size_t()>& run) {
    std::size_t handlers = 0;
    while (true) {
        try {
            return handlers + run();
        } catch (const std::exception& error) {
            ++handlers;
            ++handler_exceptions_;
            std::fprintf(stderr, "goldenpath: an EventLoop handler threw: %s\n", error.what());
        } catch (...) {
            ++handlers;
            ++handler_exceptions_;
            std::fprintf(stderr, "goldenpath: an EventLoop handler threw a non-exception\n");
        }
    }
}

std::size_t EventLoop::Impl::count_guarded(const std::function<std::size_t()>& run_one) {
    std::size_t handlers = 0;
    // One handler per call, so a handler that throws does not lose the count of those before.
    const std::size_t threw = guarded([&] {
        while (run_one() > 0) {
            ++handlers;
        }
        return std::size_t{0};
    });
    return handlers + threw;
}

EventLoop::EventLoop(std::size_t threads) : impl_(std::make_unique<Impl>(threads)) {}

EventLoop::~EventLoop() = default;

std::size_t EventLoop::threads() const noexcept {
    return impl_->threads();
}

void EventLoop::post(std::function<void()> task) {
    boost::asio::post(impl_->context(), std::move(task));
}

namespace {
void require_caller_driven(const EventLoop& loop, const char* call) {
    if (loop.threads() != 0) {
        throw std::logic_error(std::string("EventLoop::") + call +
                               " is for loops made with threads == 0; this one runs on " +
                               std::to_string(loop.threads()) + " threads of its own");
    }
}
}  // namespace

std::size_t EventLoop::run() {
    require_caller_driven(*this, "run()");
    auto& context = impl_->context();
    context.restart();
    return impl_->count_guarded([&] { return context.run_one(); });
}

std::size_t EventLoop::run_for(Milliseconds limit) {
    require_caller_driven(*this, "run_for()");
    auto& context = impl_->context();
    context.restart();
    const auto until = Clock::now() + limit;
    return impl_->count_guarded([&] { return context.run_one_until(until); });
}

std::size_t EventLoop::poll() {
    require_caller_driven(*this, "poll()");
    auto& context = impl_->context();
    context.restart();
    return impl_->count_guarded([&] { return context.poll_one(); });
}

std::size_t EventLoop::handler_exceptions() const noexcept {
    return impl_->handler_exceptions();
}

}  // namespace goldenpath
