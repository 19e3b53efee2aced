// goldenpath-asio-scheduling-bench: what Asio's scheduling costs a journey, piece by piece
// (issue 17). A journey on one thread queues about 30 handlers: operations that complete at once
// have their handler posted, and every receive, send and close waits on a deadline timer that is
// armed and then cancelled. Each queued handler makes the scheduler poll the reactor first
// (epoll_wait with a zero timeout) when an I/O object is open. These benchmarks time each piece
// alone, so scripts/profile-journeys.sh can put a bound on what removing them would save.
//
//   build/bench/bench/goldenpath-asio-scheduling-bench [--benchmark_filter=...]
//
// Loopback only: the one socket is an acceptor on 127.0.0.1 that nobody connects to.

#include <chrono>
#include <cstdint>
#include <optional>

#include <benchmark/benchmark.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace {

namespace net = boost::asio;

constexpr std::int64_t kHandlersPerBatch = 10000;

// Posts a handler that posts the next one, `left` times; the io_context runs them one by one.
struct PostChain {
    net::io_context& context;
    std::int64_t& left;
    void operator()() const {
        if (--left > 0) {
            net::post(context, *this);
        }
    }
};

void run_post_chain(benchmark::State& state, bool with_reactor) {
    net::io_context context(1);
    // An open socket gives the scheduler a reactor to poll, as a journey's connection does.
    std::optional<net::ip::tcp::acceptor> socket;
    if (with_reactor) {
        socket.emplace(context, net::ip::tcp::endpoint{net::ip::address_v4::loopback(), 0});
    }
    for (auto _ : state) {
        std::int64_t left = kHandlersPerBatch;
        net::post(context, PostChain{context, left});
        context.run();
        context.restart();
        if (left != 0) {
            state.SkipWithError("the chain stopped early");
            return;
        }
    }
    state.SetItemsProcessed(state.iterations() * kHandlersPerBatch);
}

// One posted handler with the reactor polled before it: an operation that completes at once.
void BM_PostedHandlerWithReactorPoll(benchmark::State& state) {
    run_post_chain(state, true);
}
BENCHMARK(BM_PostedHandlerWithReactorPoll);

// The same without an I/O object: the scheduler has no reactor to poll.
void BM_PostedHandlerWithoutReactor(benchmark::State& state) {
    run_post_chain(state, false);
}
BENCHMARK(BM_PostedHandlerWithoutReactor);

// A deadline that was not needed: a 30 s timer armed, waited on, cancelled, and its aborted
// handler run, with an earlier timer pending (as TimerFloor keeps one in a journey), so the
// timerfd is not reprogrammed each time.
struct TimerCycle {
    net::steady_timer& timer;
    std::int64_t& left;
    void operator()(boost::system::error_code /*aborted*/) const {
        if (--left > 0) {
            start();
        }
    }
    void start() const {
        timer.expires_after(std::chrono::seconds(30));
        timer.async_wait(*this);
        timer.cancel();
    }
};

void BM_DeadlineTimerArmedAndCancelled(benchmark::State& state) {
    net::io_context context(1);
    net::ip::tcp::acceptor socket(context,
                                  net::ip::tcp::endpoint{net::ip::address_v4::loopback(), 0});
    net::steady_timer earlier(context);
    earlier.expires_after(std::chrono::seconds(10));
    bool earlier_fired = false;
    earlier.async_wait([&earlier_fired](boost::system::error_code ec) {
        earlier_fired = !ec;  // only a cancel at the end is expected
    });
    net::steady_timer timer(context);
    for (auto _ : state) {
        std::int64_t left = kHandlersPerBatch;
        TimerCycle{timer, left}.start();
        // run_one until the chain ends: run() would wait for the earlier timer.
        while (left > 0 && context.run_one() > 0) {
        }
        if (left != 0) {
            state.SkipWithError("the timer chain stopped early");
            break;
        }
    }
    earlier.cancel();
    context.restart();
    context.run();
    if (earlier_fired) {
        state.SkipWithError("the earlier timer fired: the batch took over 10 s");
    }
    state.SetItemsProcessed(state.iterations() * kHandlersPerBatch);
}
BENCHMARK(BM_DeadlineTimerArmedAndCancelled);

}  // namespace

BENCHMARK_MAIN();
