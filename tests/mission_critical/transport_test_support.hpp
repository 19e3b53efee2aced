#pragma once
// Helpers shared by the transport tests (BeastClient and AgentServerDouble driven directly).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/failure.hpp"
#include "goldenpath/timeout_scale.hpp"
#include "goldenpath/url.hpp"
#include "goldenpath/websocket_client.hpp"

namespace goldenpath::test {

// A generous bound for frames that are already on their way (times GOLDENPATH_TIMEOUT_SCALE).
inline const Milliseconds kWait = scaled(Milliseconds{1000});

// AgentServerDoubleOptions::close_grace for tests whose clients cannot answer the double's close
// while it waits (a blocking client is not inside a call while stop() runs, a raw client that
// never reads): the double waits the whole grace out, and nothing the test checks depends on it.
inline constexpr Milliseconds kUnansweredCloseGrace{20};

// A request with the 300 ms connect and upgrade deadlines of docs/architecture.md, times
// GOLDENPATH_TIMEOUT_SCALE.
inline ConnectRequest request_for(const std::string& url) {
    ConnectRequest request;
    request.url = Url::parse(url);
    request.timeouts.connect = scaled(Milliseconds(300));
    request.timeouts.upgrade = scaled(Milliseconds(300));
    return request;
}

// The five golden-path events, id-less (they belong to the journey's single open run), as a
// hand-written server sends them.
inline std::vector<std::string> golden_events() {
    return {
        R"({"type":"agent_started","agent_name":"triage"})",
        R"({"type":"agent_thinking","data":{"reasoning":"look the order up"}})",
        R"({"type":"tool_executing","data":{"tool_name":"orders","tool_call_id":"t1"}})",
        R"({"type":"tool_completed","data":{"tool_name":"orders","tool_call_id":"t1","result":"shipped"}})",
        R"({"type":"agent_completed","data":{"final_response":"It has shipped."}})",
    };
}

// Every phase deadline set to `deadline`, but the close handshake's, which is `close`.
inline Timeouts every_phase(Milliseconds deadline, Milliseconds close) {
    Timeouts timeouts;
    timeouts.connect = deadline;
    timeouts.tls = deadline;
    timeouts.upgrade = deadline;
    timeouts.ready = deadline;
    timeouts.first_event = deadline;
    timeouts.completion = deadline;
    timeouts.max_gap = deadline;
    timeouts.close = close;
    return timeouts;
}

// Success of connect/send_text; on failure the message is the failure's one-line form.
inline testing::AssertionResult ok(const std::optional<Failure>& failure) {
    if (!failure) {
        return testing::AssertionSuccess();
    }
    return testing::AssertionFailure() << failure->to_string();
}

// Every string of a failure a person could see.
inline std::string all_text(const Failure& failure) {
    std::string text = failure.to_string() + "|" + failure.detail + "|" + failure.url + "|" +
                       failure.body_excerpt + "|" + failure.close_reason + "|" + failure.message;
    for (const auto& attempt : failure.attempts) {
        text += "|" + attempt.url + "|" + attempt.detail + "|" + attempt.kind_label;
    }
    return text;
}

// Receives one frame and parses it; a non-frame result fails the test.
inline nlohmann::json receive_json(WebSocketClient& client) {
    const ReceiveResult result = client.receive(Clock::now() + kWait);
    EXPECT_EQ(result.status, ReceiveResult::Status::frame)
        << "close " << result.close.code << " " << result.close.reason;
    if (result.status != ReceiveResult::Status::frame) {
        return nlohmann::json();
    }
    return nlohmann::json::parse(result.frame.text, nullptr, false);
}

// A loopback port with nothing listening: bound by a double that is then destroyed.
inline std::uint16_t unused_port() {
    const AgentServerDouble server;
    return server.port();
}

// A bare TCP listener on 127.0.0.1 that speaks no HTTP: the kernel completes TCP handshakes
// from its backlog, so upgrades hang (or end when accept_and_close() drops the connection).
class RawListener {
  public:
    RawListener() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof(address);
        auto* raw = reinterpret_cast<sockaddr*>(&address);
        if (fd_ < 0 || ::bind(fd_, raw, length) != 0 || ::listen(fd_, 8) != 0 ||
            ::getsockname(fd_, raw, &length) != 0) {
            throw std::runtime_error("RawListener: cannot listen on 127.0.0.1");
        }
        port_ = ntohs(address.sin_port);
    }
    ~RawListener() { ::close(fd_); }
    RawListener(const RawListener&) = delete;
    RawListener& operator=(const RawListener&) = delete;

    std::string url(const std::string& scheme = "ws") const {
        return scheme + "://127.0.0.1:" + std::to_string(port_) + "/ws";
    }
    // Accepts one connection (waiting at most 1 s) and closes it at once.
    void accept_and_close() const {
        pollfd ready{fd_, POLLIN, 0};
        if (::poll(&ready, 1, 1000) == 1) {
            const int connection = ::accept(fd_, nullptr, nullptr);
            if (connection >= 0) {
                ::close(connection);
            }
        }
    }

  private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

}  // namespace goldenpath::test
