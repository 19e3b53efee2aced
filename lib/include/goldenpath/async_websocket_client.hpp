#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "goldenpath/event_loop.hpp"
#include "goldenpath/failure.hpp"
#include "goldenpath/host_resolver.hpp"
#include "goldenpath/websocket_client.hpp"

namespace goldenpath {

// The asynchronous WebSocket client: the same connection as BeastClient (ws/wss, proxy, TLS
// checks, deadlines, failure classification; see beast_client.hpp), driven by an EventLoop and
// reporting through callbacks instead of blocking. BeastClient is the blocking facade over the
// same implementation, so both classify every failure identically.
//
// - Thread-safe: any thread may call any member, its own callbacks included (an operation has
//   ended when its callback runs), but none may overlap the destructor.
// - Callbacks run on the loop (one at a time per client), or are handed to the
//   CompletionExecutor when one is given; each exactly once, also when the operation failed or
//   timed out; never from inside the async_* call itself.
// - One operation at a time, except that async_send_text may overlap an async_receive. Starting
//   another while one is outstanding throws std::logic_error naming both operations.
// - async_connect validates the request first and throws ConfigError (bad keepalive or proxy URL)
//   before anything is queued.
// - Destroying the client while connected closes the connection in the background (1001, 200 ms).
//   Callbacks of operations still outstanding still run (a pending receive ends as closed(1001)),
//   so they must not refer to the client object itself.
// - keepalive: Beast's idle timer runs whenever the loop does, so keep a receive outstanding on
//   a keepalive connection, or its pongs are not read and it ends as stalled.
class AsyncWebSocketClient {
  public:
    using ConnectHandler = std::function<void(std::optional<Failure>)>;
    using SendHandler = std::function<void(std::optional<Failure>)>;
    using ReceiveHandler = std::function<void(ReceiveResult)>;
    using CloseHandler = std::function<void(std::vector<ReceivedFrame>)>;

    explicit AsyncWebSocketClient(EventLoop& loop,
                                  std::shared_ptr<HostResolver> resolver = system_resolver(),
                                  CompletionExecutor completions = {});
    ~AsyncWebSocketClient();
    AsyncWebSocketClient(const AsyncWebSocketClient&) = delete;
    AsyncWebSocketClient& operator=(const AsyncWebSocketClient&) = delete;

    // Same semantics as the WebSocketClient calls of the same names.
    void async_connect(ConnectRequest request, ConnectHandler done);
    void async_send_text(std::string text, SendHandler done);
    void async_receive(Clock::time_point deadline, ReceiveHandler done);
    void async_close(int code, std::string reason, Clock::time_point deadline, CloseHandler done);

    // Safe to call from any thread; meaningful after the connect callback ran.
    std::string selected_subprotocol() const;
    bool tls_verification_skipped() const;

    class Impl;

  private:
    std::shared_ptr<Impl> impl_;
};

}  // namespace goldenpath
