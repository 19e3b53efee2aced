#pragma once
// A test-only hostile WebSocket server: answers the HTTP upgrade (or misbehaves at the HTTP level)
// and then writes hand-built frames, so the client can be shown frames no well-behaved server
// (AgentServerDouble, Beast) would ever send. Boost stays in the .cpp.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "goldenpath/clock.hpp"

namespace goldenpath::test {

enum class Opcode : std::uint8_t {
    continuation = 0x0,
    text = 0x1,
    binary = 0x2,
    close = 0x8,
    ping = 0x9,
    pong = 0xa,
};

// One WebSocket frame as it goes on the wire (RFC 6455 §5.2), every header field chosen by the
// test, including the ones a server must not set.
struct RawFrame {
    bool fin = true;
    bool rsv1 = false;
    bool rsv2 = false;
    bool rsv3 = false;
    Opcode opcode = Opcode::text;
    std::optional<std::array<unsigned char, 4>> mask;  // servers must not mask
    std::string payload;
    // The header's length when it should differ from payload.size() (e.g. announce 1 GiB and
    // send nothing of it).
    std::optional<std::uint64_t> declared_length;

    std::string bytes() const;
};

RawFrame text_frame(std::string payload);
// A close frame with a status code and reason.
RawFrame close_frame(int code, std::string_view reason);
// `text` compressed as one permessage-deflate message (RFC 7692 §7.2.1): RSV1 set, raw DEFLATE,
// the trailing 00 00 ff ff removed.
RawFrame deflated_text_frame(std::string_view text);
// Concatenated wire bytes of `frames`.
std::string wire(const std::vector<RawFrame>& frames);

enum class UpgradeAnswer {
    accept,               // 101 with a correct Sec-WebSocket-Accept
    accept_with_deflate,  // the same, plus Sec-WebSocket-Extensions: permessage-deflate
    never,                // reads the request and never answers
    slowloris,            // the 101 response, one byte per slowloris_interval
};

struct RawServerScript {
    UpgradeAnswer upgrade = UpgradeAnswer::accept;
    Milliseconds slowloris_interval{20};
    // Written right after the 101 response (in the same write).
    std::string after_upgrade;
    // Called for chunk 0, 1, ... after after_upgrade; each chunk is written when the previous
    // one was taken by the kernel (the client's TCP window is the only flow control). An empty
    // chunk ends the flood.
    std::function<std::string(std::size_t chunk)> flood;
    // Answers a client close frame with a close frame (1000) and shuts the connection down.
    bool echo_close = true;
    // Answers a client ping with a pong (off: a peer that never pongs).
    bool answer_pings = false;
};

// Serves RawServerScript on 127.0.0.1:0 on its own io_context thread, joined in the destructor.
// Any number of connections get the same script. Client frames are parsed (unmasked) and their
// opcodes recorded, so tests can wait for a ping or a close without sleeping.
class RawFrameServer {
  public:
    explicit RawFrameServer(RawServerScript script);
    ~RawFrameServer();
    RawFrameServer(const RawFrameServer&) = delete;
    RawFrameServer& operator=(const RawFrameServer&) = delete;

    std::uint16_t port() const;
    std::string url() const;  // ws://127.0.0.1:PORT/ws

    // The first upgrade request's head (request line and headers), once it arrived.
    std::optional<std::string> wait_for_request(Clock::time_point deadline) const;
    // True once a client frame with `opcode` arrived (before `deadline`).
    bool wait_for_client_frame(Opcode opcode, Clock::time_point deadline) const;
    std::size_t client_frames(Opcode opcode) const;
    // Bytes of the flood the kernel took when it first refused more (the client had stopped
    // reading and both TCP buffers were full); nullopt until that happens before `deadline`.
    std::optional<std::uint64_t> wait_for_flood_blocked(Clock::time_point deadline) const;
    // Bytes written after the 101 response so far (after_upgrade plus flood), all connections.
    std::uint64_t bytes_written() const;
    // Bytes of slowloris upgrade responses written so far, all connections.
    std::uint64_t slowloris_bytes_written() const;

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace goldenpath::test
