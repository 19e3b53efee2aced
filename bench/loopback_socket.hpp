// Blocking POSIX sockets on 127.0.0.1 for the bench's floor and ceiling rows, which measure what
// is left without Asio or Beast. Internal to the bench.
#pragma once

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

namespace goldenpath::bench {

// Owns one file descriptor.
class Fd {
  public:
    explicit Fd(int fd = -1) noexcept : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) {
            reset();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const noexcept { return fd_; }
    void reset() noexcept;

  private:
    int fd_;
};

sockaddr_in loopback(std::uint16_t port);

// A send or receive on a connected socket fails after this long.
inline constexpr long kIoTimeoutSeconds = 5;

// A TCP socket connected to 127.0.0.1:`port` with TCP_NODELAY and kIoTimeoutSeconds on every
// send and receive, or an Fd holding -1.
Fd connect_loopback(std::uint16_t port);

// Writes every byte; false when the peer is gone.
bool write_all(int fd, std::string_view bytes);

void set_nodelay(int fd);

}  // namespace goldenpath::bench
