#pragma once
// A bare-socket WebSocket client for tests of the server double's limits: it upgrades, sends
// masked text frames without blocking, and reads only when the test says so, so a test can be
// the client that never reads. Every call has a deadline; nothing sleeps.

#include <cstddef>
#include <cstdint>
#include <string>

#include "goldenpath/clock.hpp"

namespace goldenpath::testing_support {

class RawWebSocketClient {
  public:
    // Connects to 127.0.0.1:`port` and upgrades on `path`; throws std::runtime_error naming what
    // failed (connect, no 101 before `deadline`). `receive_buffer` > 0 sets SO_RCVBUF first.
    RawWebSocketClient(std::uint16_t port, const std::string& path, Clock::time_point deadline,
                       int receive_buffer = 0);
    ~RawWebSocketClient();
    RawWebSocketClient(const RawWebSocketClient&) = delete;
    RawWebSocketClient& operator=(const RawWebSocketClient&) = delete;

    // Sends one masked text frame; false when the socket took no more before `deadline`.
    bool send_text(const std::string& text, Clock::time_point deadline);
    // Reads frames until `count` data frames arrived, the server closed, or `deadline`; returns
    // the data frames counted so far (in total, over every call).
    std::size_t read_frames(std::size_t count, Clock::time_point deadline);
    bool saw_close() const noexcept { return saw_close_; }
    int fd() const noexcept { return fd_; }

  private:
    bool wait(short events, Clock::time_point deadline) const;

    int fd_ = -1;
    std::string pending_;  // bytes read but not parsed into whole frames yet
    std::size_t frames_ = 0;
    bool saw_close_ = false;
};

// A start message of the default profile for run `run`, padded with `padding` bytes.
std::string start_message(std::size_t run, std::size_t padding = 0);

}  // namespace goldenpath::testing_support
