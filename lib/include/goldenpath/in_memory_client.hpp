#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/websocket_client.hpp"

namespace goldenpath {

// A WebSocketClient joined in memory to a scripted agent server: the same AgentServerDoubleOptions
// and Scripts as AgentServerDouble (upgrade decision, tokens, connection_established, script
// faults), but no sockets and no threads, for fast unit tests of code that takes a client.
//
// Time is virtual: a delay step makes later frames due that much after the start message, and a
// frame not due by a receive() deadline is a timeout; a stall step makes every later receive() a
// timeout. Nothing ever sleeps. host and port of the options are ignored. A ping step is
// invisible (pings never reach a WebSocketClient's caller); a reset step and an upgrade_fault_for
// answer other than none end the connection as closed(1006), like a lost TCP connection.
// Not thread-safe: use it from one thread at a time; the options' callbacks run on that thread.
class InMemoryClient final : public WebSocketClient {
  public:
    explicit InMemoryClient(AgentServerDoubleOptions options = {});

    std::optional<Failure> connect(const ConnectRequest& request) override;
    std::optional<Failure> send_text(std::string_view text) override;
    ReceiveResult receive(Clock::time_point deadline) override;
    std::vector<ReceivedFrame> close(int code, std::string_view reason,
                                     Clock::time_point deadline) override;
    std::string selected_subprotocol() const override;

    // What the server end saw: handshake and received messages, as AgentServerDouble records.
    const RecordedConnection& recorded() const noexcept { return recorded_; }

  private:
    struct Outgoing {
        enum class Kind { frame, close, stall };
        Kind kind = Kind::frame;
        std::string text;  // frame text or close reason
        int close_code = 1000;
        Clock::time_point due{};
        bool binary = false;
    };

    std::optional<Failure> not_open(std::string_view what) const;
    void run_script(std::string_view message);

    AgentServerDoubleOptions options_;
    RecordedConnection recorded_;
    std::deque<Outgoing> outbox_;
    std::optional<CloseInfo> closed_;
    bool connected_ = false;
};

}  // namespace goldenpath
