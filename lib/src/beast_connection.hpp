// The client connection on Boost.Beast (docs/architecture.md): BeastConnection is the connection
// as coroutines on an executor. Each step starts an operation and suspends until its handler ran
// or its deadline passed; on a deadline the socket is cancelled and the operation drained, so no
// handler outlives its state. The steps that open the connection (TCP connect, proxy tunnel, TLS)
// use the TCP stream's own expiry instead. AsyncWebSocketClient and journeys run it on an
// EventLoop; BeastClient, the blocking facade, runs it on a private io_context inside each call.
// Internal (Boost).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>

#include "boxed_failure.hpp"
#include "client_user_agent.hpp"
#include "close_frame_watcher.hpp"
#include "goldenpath/host_resolver.hpp"
#include "goldenpath/websocket_client.hpp"

namespace goldenpath::detail {

// The longest a close() may take that nobody waits for (a reconnect, a destructor).
inline constexpr Milliseconds kBackgroundCloseTimeout{200};

// One connection as coroutines on `executor` (a strand or a single-threaded context). Every
// handler holds the connection alive, so the streams outlive their operations.
class BeastConnection final : public std::enable_shared_from_this<BeastConnection> {
  public:
    BeastConnection(boost::asio::any_io_executor executor, std::shared_ptr<HostResolver> resolver);

    BeastConnection(const BeastConnection&) = delete;
    BeastConnection& operator=(const BeastConnection&) = delete;

    boost::asio::awaitable<BoxedFailure> connect(const ConnectRequest& request);
    boost::asio::awaitable<std::optional<Failure>> send_text(std::string text);
    boost::asio::awaitable<std::unique_ptr<ReceiveResult>> receive(Clock::time_point deadline);
    boost::asio::awaitable<std::vector<ReceivedFrame>> close(int code, std::string reason,
                                                             Clock::time_point deadline);
    std::string selected_subprotocol() const { return subprotocol_; }
    bool tls_verification_skipped() const { return verification_skipped_; }
    // True while a close() would have something to do (a stream that was not torn down).
    bool needs_close() const { return ws_.has_value() && !torn_down_; }
    const boost::asio::any_io_executor& executor() const { return executor_; }

  private:
    using error_code = boost::beast::error_code;
    using tcp = boost::asio::ip::tcp;

    // Completion state of one asynchronous operation, shared with its handler. The waiting
    // coroutine sleeps on `wake` until its deadline; the handler cancels the sleep.
    struct OpState {
        explicit OpState(const boost::asio::any_io_executor& executor) : wake(executor) {}
        bool done = false;
        error_code ec;
        std::size_t bytes = 0;
        boost::asio::steady_timer wake;
    };

    // ws:// and wss:// share every step after the TLS handshake: each use of the stream visits
    // whichever alternative this connection has.
    // CloseFrameWatcher keeps the server's close frame payload, which Beast drops when the code
    // is invalid.
    using PlainStream =
        boost::beast::websocket::stream<detail::CloseFrameWatcher<boost::beast::tcp_stream>>;
    using TlsStream = boost::beast::websocket::stream<
        detail::CloseFrameWatcher<boost::beast::ssl_stream<boost::beast::tcp_stream>>>;
    using Stream = std::variant<PlainStream, TlsStream>;

    // The handler of one operation: records the result and wakes the waiting coroutine.
    struct Completion {
        std::shared_ptr<OpState> state;
        std::shared_ptr<BeastConnection> keep_alive;

        void operator()(error_code ec, std::size_t bytes = 0) const {
            state->done = true;
            state->ec = ec;
            state->bytes = bytes;
            state->wake.cancel();
        }
    };

    // Reads one message into buffer_: its first bytes into a small buffer, then the rest, so a
    // connection that waits for a message does not hold Beast's 1 536-byte default for it.
    struct MessageRead {
        Completion completion;

        void operator()(error_code ec, std::size_t bytes = 0);
    };

    std::shared_ptr<OpState> new_op() const { return std::make_shared<OpState>(executor_); }
    Completion completion(const std::shared_ptr<OpState>& state) {
        return Completion{state, shared_from_this()};
    }

    template <class Visitor>
    decltype(auto) visit_ws(Visitor&& visitor) {
        return std::visit(std::forward<Visitor>(visitor), *ws_);
    }
    boost::beast::tcp_stream& tcp_stream() {
        return visit_ws([](auto& ws) -> boost::beast::tcp_stream& {
            return boost::beast::get_lowest_layer(ws);
        });
    }
    bool ws_open() {
        return ws_ && !torn_down_ && visit_ws([](auto& ws) { return ws.is_open(); });
    }
    bool message_done() {
        return visit_ws([](auto& ws) { return ws.is_message_done(); });
    }
    bool got_text() {
        return visit_ws([](auto& ws) { return ws.got_text(); });
    }
    boost::beast::websocket::close_reason close_reason() {
        return visit_ws([](auto& ws) { return ws.reason(); });
    }

    // Suspends until `state` is done or `deadline` passed; true when done.
    static boost::asio::awaitable<bool> wait_until(std::shared_ptr<OpState> state,
                                                   Clock::time_point deadline);
    // After a deadline: cancel the socket's operations and wait until `state`'s handler ran.
    boost::asio::awaitable<void> cancel_and_drain(std::shared_ptr<OpState> state);
    void close_socket();
    // Ends the stream after a failed connect step or a close. The stream object itself stays
    // until the next connect (or the connection's end): aborted operations may still refer to it.
    void discard_stream();
    std::shared_ptr<OpState> start_read();

    Failure make_failure(FailureKind kind, Phase phase, std::string detail) const;
    Failure tls_failure(std::string reason, std::string detail) const;
    Failure finish(Failure failure, Clock::time_point started) const;
    void reset_for(const ConnectRequest& request);
    Failure classify_tls_error(const error_code& ec);
    // send_text's failure: the connection was not open (nullopt), or the write failed.
    Failure send_failure(std::optional<error_code> write_error);
    std::optional<Failure> upgrade_outcome(const ConnectRequest& request, const error_code& ec,
                                           const boost::beast::websocket::response_type& response);
    boost::asio::awaitable<BoxedFailure> handshake(const ConnectRequest& request,
                                                   Clock::time_point deadline);
    bool server_may_speak_tls(const error_code& ec) const;
    void configure_open_stream(const ConnectRequest& request);
    // Beast's write_buffer_bytes for a message of this size: what the client masks it in.
    static std::size_t write_buffer_for(std::size_t message_bytes);
    boost::asio::awaitable<void> stop_keepalive();
    void on_server_close();
    void check_server_close_payload();
    std::optional<Failure> invalid_server_close() const;
    bool invalid_close_due() const;
    ReceivedFrame take_frame();
    std::string redacted(std::string text) const;

    boost::asio::any_io_executor executor_;
    std::shared_ptr<HostResolver> resolver_;
    // Declared before ws_ so the context outlives the TLS stream that uses it.
    std::optional<boost::asio::ssl::context> tls_context_;
    std::optional<Stream> ws_;
    boost::beast::flat_buffer buffer_;
    // A read that outlived its receive() deadline; the next receive() continues it.
    std::shared_ptr<OpState> pending_read_;
    bool open_ = false;
    bool torn_down_ = false;  // the socket of ws_ was closed; a new connect makes a new stream
    std::optional<CloseInfo> closed_;  // set once the connection ended
    std::string subprotocol_;
    std::string url_;
    std::string proxy_;  // "http://host:port" of this connection's proxy, empty without one
    std::vector<std::string> secrets_;
    std::size_t max_message_bytes_ = 0;
    std::optional<Milliseconds> keepalive_;
    std::size_t frames_delivered_ = 0;       // data frames handed out on this connection
    std::optional<CloseInfo> server_close_;  // the server's close frame, once it arrived
    BoxedFailure invalid_close_;             // ... when its code is invalid or cut short
    Milliseconds closing_timeout_{500};
    bool verifying_ = false;                // this wss:// connection checks the certificate
    bool sent_client_certificate_ = false;  // this wss:// connection offers a client certificate
    bool verification_skipped_ = false;     // wss:// with insecure_skip_verify
};

}  // namespace goldenpath::detail
