// The asynchronous face of one client connection, for the journey coroutine. Internal: it
// exposes Asio's awaitable, which public headers must not (docs/architecture.md).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "boxed_failure.hpp"
#include "goldenpath/host_resolver.hpp"
#include "goldenpath/websocket_client.hpp"

namespace goldenpath::detail {

// connect's request is read, not copied, by every coroutine on the way to the socket (each copy
// was 600 bytes of frame per connection): co_await the call in the expression that makes it.
// Its failure comes back boxed (boxed_failure.hpp), and receive's result on the heap, for the same
// reason: a 400- or 500-byte result would sit in the promise and the caller's frame of every
// coroutine on the way, for as long as a connection waits.
class ClientPort {
  public:
    virtual ~ClientPort() = default;

    virtual boost::asio::awaitable<BoxedFailure> connect(const ConnectRequest& request) = 0;
    virtual boost::asio::awaitable<std::optional<Failure>> send_text(std::string text) = 0;
    virtual boost::asio::awaitable<std::unique_ptr<ReceiveResult>> receive(
        Clock::time_point deadline) = 0;
    virtual boost::asio::awaitable<std::vector<ReceivedFrame>> close(
        int code, std::string reason, Clock::time_point deadline) = 0;
    virtual std::string selected_subprotocol() const = 0;
    virtual bool tls_verification_skipped() const = 0;
};

// A blocking WebSocketClient seen as a port: every call completes before it returns, so a
// coroutine over it runs straight through (mocks, InMemoryClient, user transports).
std::unique_ptr<ClientPort> blocking_port(WebSocketClient& client);
std::unique_ptr<ClientPort> blocking_port(std::unique_ptr<WebSocketClient> client);

// A blocking WebSocketClient on an event loop: each call runs on a thread of the port's own and
// the coroutine resumes on its executor when the call returned, so a client that blocks (a
// BeastClient in a tracing wrapper, say) never holds up the loop's other connections.
std::unique_ptr<ClientPort> offloading_port(std::unique_ptr<WebSocketClient> client);

// The Beast connection (beast_client.cpp) on `executor`, which must be a strand or a
// single-threaded context: its handlers must not run at the same time. Destroying the port
// closes a connection still open in the background (1001, 200 ms) on that executor.
std::unique_ptr<ClientPort> beast_port(const boost::asio::any_io_executor& executor,
                                       std::shared_ptr<HostResolver> resolver);

// Throws ConfigError for the request fields the connection cannot use (keepalive, proxy URL),
// before anything is started.
void validate_connect_request(const ConnectRequest& request);

}  // namespace goldenpath::detail
