#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>

#include "goldenpath/load_run.hpp"

namespace goldenpath::cli {

// A `\r`-updated line on stderr for load runs longer than 2 s, at most 4 updates a second, only
// when stderr is a terminal. Its own thread ticks on a timer, so it moves while journeys hang.
class ProgressLine {
  public:
    explicit ProgressLine(bool enabled) {
        if (enabled) {
            thread_ = std::thread([this] { tick(); });
        }
    }
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;
    ~ProgressLine() { stop(); }

    void update(const LoadProgress& progress) {
        completed_ = progress.completed;
        passed_ = progress.passed;
        failed_ = progress.failed;
        planned_ = progress.planned;
    }

    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        if (thread_.joinable()) {
            thread_.join();
        }
    }

  private:
    static constexpr auto kDelay = std::chrono::seconds(2);
    static constexpr auto kInterval = std::chrono::milliseconds(250);

    void tick();

    std::atomic<std::size_t> completed_{0};
    std::atomic<std::size_t> passed_{0};
    std::atomic<std::size_t> failed_{0};
    std::atomic<std::size_t> planned_{0};
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace goldenpath::cli
