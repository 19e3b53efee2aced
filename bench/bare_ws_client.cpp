#include "bare_ws_client.hpp"

#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include <fmt/format.h>

#include "goldenpath/protocol_profile.hpp"
#include "loopback_socket.hpp"

namespace goldenpath::bench {
namespace {

constexpr std::uint8_t kText = 0x1;
constexpr std::uint8_t kClose = 0x8;

// A client frame (RFC 6455 §5.3): FIN, `opcode`, masked with a fixed key. A fixed key is legal
// framing; this client only measures.
std::string masked_frame(std::uint8_t opcode, std::string_view payload) {
    const std::array<std::uint8_t, 4> key = {0x37, 0xfa, 0x21, 0x3d};
    std::string frame;
    frame.push_back(static_cast<char>(0x80 | opcode));
    if (payload.size() < 126) {
        frame.push_back(static_cast<char>(0x80 | payload.size()));
    } else if (payload.size() <= 0xffff) {
        frame.push_back(static_cast<char>(0x80 | 126));
        frame.push_back(static_cast<char>(payload.size() >> 8));
        frame.push_back(static_cast<char>(payload.size() & 0xff));
    } else {
        throw std::invalid_argument("bare client: start message over 64 KiB");
    }
    frame.append(reinterpret_cast<const char*>(key.data()), key.size());
    for (std::size_t i = 0; i < payload.size(); ++i) {
        frame.push_back(static_cast<char>(static_cast<std::uint8_t>(payload[i]) ^ key[i % 4]));
    }
    return frame;
}

// Reads a server's upgrade response and unmasked, unfragmented frames from one socket into a
// fixed buffer; a frame that does not fit fails the journey.
class FrameReader {
  public:
    explicit FrameReader(int fd) : fd_(fd) {}

    // Consumes the HTTP response through its blank line; true when it is a 101.
    bool read_upgrade_response() {
        for (;;) {
            const std::string_view held(buffer_.data() + begin_, end_ - begin_);
            if (const auto blank = held.find("\r\n\r\n"); blank != std::string_view::npos) {
                begin_ += blank + 4;
                stopped_ = "a response other than 101";
                return held.starts_with("HTTP/1.1 101");
            }
            if (!fill()) {
                return false;
            }
        }
    }

    struct Frame {
        std::uint8_t opcode = 0;
        std::string_view payload;
    };

    // The next whole frame, or opcode 0 when the socket ends or the frame is not one this client
    // reads (fragmented, masked, or larger than the buffer).
    Frame next_frame() {
        for (;;) {
            const auto held = end_ - begin_;
            const auto* bytes = reinterpret_cast<const std::uint8_t*>(buffer_.data() + begin_);
            if (held >= 2) {
                if ((bytes[0] & 0x80) == 0 || (bytes[1] & 0x80) != 0) {
                    stopped_ = "a fragmented or masked frame";
                    return {};
                }
                std::size_t header = 2;
                std::size_t length = bytes[1] & 0x7f;
                if (length == 126) {
                    header = 4;
                    length = held >= 4 ? (std::size_t{bytes[2]} << 8) | bytes[3] : 0;
                } else if (length == 127) {
                    stopped_ = "a frame over 64 KiB";
                    return {};
                }
                if (held >= header && header + length > buffer_.size()) {
                    stopped_ = "a frame larger than the client's buffer";
                    return {};
                }
                if (held >= header + length) {
                    const Frame frame{static_cast<std::uint8_t>(bytes[0] & 0x0f),
                                      std::string_view(buffer_.data() + begin_ + header, length)};
                    begin_ += header + length;
                    return frame;
                }
            }
            if (!fill()) {
                return {};
            }
        }
    }

    // Why the last read_upgrade_response or next_frame found nothing to return.
    std::string_view stopped() const noexcept { return stopped_; }

  private:
    bool fill() {
        if (begin_ == 0 && end_ == buffer_.size()) {
            stopped_ = "more bytes than the client's buffer holds";
            return false;
        }
        if (begin_ == end_) {
            begin_ = end_ = 0;
        } else if (end_ == buffer_.size()) {
            std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
            end_ -= begin_;
            begin_ = 0;
        }
        const auto n = ::recv(fd_, buffer_.data() + end_, buffer_.size() - end_, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            stopped_ = "nothing within the socket's timeout";
        } else if (n <= 0) {
            stopped_ = n == 0 ? "the connection closed" : "a receive error";
        }
        if (n <= 0) {
            return false;
        }
        end_ += static_cast<std::size_t>(n);
        return true;
    }

    int fd_;
    std::string_view stopped_ = "an unexpected frame";
    std::array<char, 16384> buffer_{};
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
};

bool contains(std::string_view payload, std::string_view word) {
    return payload.find(word) != std::string_view::npos;
}

// One journey; empty when it passed, else what went wrong.
std::string journey(std::uint16_t port, std::string_view upgrade, std::string_view start,
                    std::string_view close) {
    const Fd socket = connect_loopback(port);
    if (socket.get() < 0) {
        return "connect failed";
    }
    if (!write_all(socket.get(), upgrade)) {
        return "upgrade request not sent";
    }
    FrameReader reader(socket.get());
    if (!reader.read_upgrade_response()) {
        return fmt::format("no 101 response: {}", reader.stopped());
    }
    const auto ready = reader.next_frame();
    if (ready.opcode == 0) {
        return fmt::format("no connection_established: {}", reader.stopped());
    }
    if (ready.opcode != kText || !contains(ready.payload, "connection_established")) {
        return "the first frame is not connection_established";
    }
    if (!write_all(socket.get(), start)) {
        return "start message not sent";
    }
    for (int event = 1; event <= 5; ++event) {
        const auto frame = reader.next_frame();
        if (frame.opcode == 0) {
            return fmt::format("no event #{}: {}", event, reader.stopped());
        }
        if (frame.opcode != kText) {
            return fmt::format("event #{} is not a text frame (opcode {})", event, frame.opcode);
        }
        if (event == 5 && !contains(frame.payload, "agent_completed")) {
            return "the fifth event is not agent_completed";
        }
    }
    if (!write_all(socket.get(), close)) {
        return "close frame not sent";
    }
    if (const auto answer = reader.next_frame(); answer.opcode != kClose) {
        return answer.opcode == 0
                   ? fmt::format("no close frame in answer: {}", reader.stopped())
                   : fmt::format("a frame of opcode {} where the close frame was expected",
                                 answer.opcode);
    }
    return {};
}

}  // namespace

TimedJourneys run_bare_ws_client(const Url& url, std::size_t journeys, double max_seconds) {
    if (url.scheme != "ws" || url.host != "127.0.0.1") {
        throw std::invalid_argument(fmt::format(
            "bare client: --url must be ws://127.0.0.1 (plain WebSocket on loopback), but is {}",
            url.to_string()));
    }
    const std::string upgrade = fmt::format(
        "GET {} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        url.target(), url.host_for_header());
    const std::string start = masked_frame(
        kText,
        default_profile().start_message("What is the status of my order?", "thread-0", "run-0"));
    const std::string close = masked_frame(kClose, std::string_view("\x03\xe8", 2));

    return run_timed_journeys(journeys, max_seconds,
                              [&] { return journey(url.port, upgrade, start, close); });
}

}  // namespace goldenpath::bench
