#include "raw_websocket_client.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <stdexcept>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "goldenpath/protocol_profile.hpp"

namespace goldenpath::testing_support {
namespace {

int remaining_ms(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(left, 0, 60'000));
}

}  // namespace

RawWebSocketClient::RawWebSocketClient(std::uint16_t port, const std::string& path,
                                       Clock::time_point deadline, int receive_buffer) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        throw std::runtime_error("RawWebSocketClient: socket() failed, errno " +
                                 std::to_string(errno));
    }
    if (receive_buffer > 0) {
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        const int error = errno;
        ::close(fd_);
        throw std::runtime_error("RawWebSocketClient: connect to port " + std::to_string(port) +
                                 " failed, errno " + std::to_string(error));
    }
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
    const std::string request = "GET " + path +
                                " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                                "Connection: Upgrade\r\nSec-WebSocket-Key: "
                                "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    std::size_t sent = 0;
    while (sent < request.size()) {
        if (!wait(POLLOUT, deadline)) {
            throw std::runtime_error("RawWebSocketClient: could not send the upgrade request");
        }
        const auto n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
        }
    }
    // The response header, byte by byte so no frame after it is consumed.
    std::string response;
    while (response.find("\r\n\r\n") == std::string::npos) {
        if (!wait(POLLIN, deadline)) {
            throw std::runtime_error(
                "RawWebSocketClient: no upgrade response before the "
                "deadline, got '" +
                response + "'");
        }
        char byte = 0;
        const auto n = ::recv(fd_, &byte, 1, 0);
        if (n == 0) {
            throw std::runtime_error("RawWebSocketClient: closed during the upgrade, got '" +
                                     response + "'");
        }
        if (n == 1) {
            response += byte;
        }
    }
    if (response.rfind("HTTP/1.1 101", 0) != 0) {
        throw std::runtime_error("RawWebSocketClient: upgrade must answer 101, but is '" +
                                 response + "'");
    }
}

RawWebSocketClient::~RawWebSocketClient() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

bool RawWebSocketClient::wait(short events, Clock::time_point deadline) const {
    pollfd descriptor{fd_, events, 0};
    return ::poll(&descriptor, 1, remaining_ms(deadline)) == 1;
}

bool RawWebSocketClient::send_text(const std::string& text, Clock::time_point deadline) {
    std::string frame;
    frame += static_cast<char>(0x81);  // FIN, text
    if (text.size() < 126) {
        frame += static_cast<char>(0x80 | text.size());
    } else if (text.size() <= 0xFFFF) {
        frame += static_cast<char>(0x80 | 126);
        frame += static_cast<char>((text.size() >> 8U) & 0xFFU);
        frame += static_cast<char>(text.size() & 0xFFU);
    } else {
        frame += static_cast<char>(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
            frame += static_cast<char>((text.size() >> static_cast<unsigned>(shift)) & 0xFFU);
        }
    }
    frame += std::string(4, '\0');  // mask key 0: the payload goes as it is
    frame += text;
    std::size_t sent = 0;
    while (sent < frame.size()) {
        const auto n = ::send(fd_, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            return false;
        }
        if (!wait(POLLOUT, deadline)) {
            return false;
        }
    }
    return true;
}

std::size_t RawWebSocketClient::read_frames(std::size_t count, Clock::time_point deadline) {
    std::array<char, 65536> chunk{};
    while (frames_ < count && !saw_close_) {
        // Parse whole frames (the server never masks); drop them from pending_ once.
        std::size_t parsed = 0;
        for (;;) {
            const std::size_t available = pending_.size() - parsed;
            if (available < 2) {
                break;
            }
            const auto* bytes = reinterpret_cast<const unsigned char*>(pending_.data() + parsed);
            std::size_t header = 2;
            std::uint64_t length = bytes[1] & 0x7FU;
            if (length == 126) {
                header = 4;
                if (available < header) {
                    break;
                }
                length = (std::uint64_t{bytes[2]} << 8U) | bytes[3];
            } else if (length == 127) {
                header = 10;
                if (available < header) {
                    break;
                }
                length = 0;
                for (std::size_t i = 2; i < 10; ++i) {
                    length = (length << 8U) | bytes[i];
                }
            }
            if (available < header + length) {
                break;
            }
            const unsigned opcode = bytes[0] & 0x0FU;
            if (opcode == 0x8) {
                saw_close_ = true;
            } else if (opcode == 0x1 || opcode == 0x2) {
                ++frames_;
            }
            parsed += header + length;
        }
        pending_.erase(0, parsed);
        if (frames_ >= count || saw_close_) {
            break;
        }
        if (!wait(POLLIN, deadline)) {
            break;
        }
        const auto n = ::recv(fd_, chunk.data(), chunk.size(), 0);
        if (n == 0) {
            saw_close_ = true;
        } else if (n > 0) {
            pending_.append(chunk.data(), static_cast<std::size_t>(n));
        } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            saw_close_ = true;
        }
    }
    return frames_;
}

std::string start_message(std::size_t run, std::size_t padding) {
    return default_profile().start_message(
        std::string(padding, 'x'), "thread-" + std::to_string(run), "run-" + std::to_string(run));
}

}  // namespace goldenpath::testing_support
