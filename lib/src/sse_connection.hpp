// One http:// or https:// connection to an endpoint that answers a POSTed start message with a
// text/event-stream (AG-UI and the like), as coroutines on an executor: connect() opens the TCP
// (proxy tunnel, TLS) connection, send_text() POSTs and reads the answer's header, receive()
// hands out one server-sent event's data at a time. Internal (Boost).
#pragma once

#include <array>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "boxed_failure.hpp"
#include "goldenpath/host_resolver.hpp"
#include "goldenpath/websocket_client.hpp"
#include "sse_parser.hpp"

namespace goldenpath::detail {

class SseConnection final : public std::enable_shared_from_this<SseConnection> {
  public:
    SseConnection(boost::asio::any_io_executor executor, std::shared_ptr<HostResolver> resolver);

    SseConnection(const SseConnection&) = delete;
    SseConnection& operator=(const SseConnection&) = delete;

    // Resolve, TCP connect, proxy tunnel and TLS; no HTTP request yet.
    boost::asio::awaitable<BoxedFailure> connect(const ConnectRequest& request);
    // POSTs `text` (the start message) and reads the answer's header: a 2xx text/event-stream
    // or the Failure (auth_rejected, http_status, malformed_frame, timeout(upgrade), closed).
    boost::asio::awaitable<std::optional<Failure>> send_text(std::string text);
    // The next event's data as a text frame; the end of the body is Status::closed (1006).
    boost::asio::awaitable<std::unique_ptr<ReceiveResult>> receive(Clock::time_point deadline);
    // The events that arrived but were not handed out, and those read until the body ends or
    // `deadline` passes (a server may send after the run ended); then the socket is shut.
    boost::asio::awaitable<std::vector<ReceivedFrame>> close(Clock::time_point deadline);
    bool tls_verification_skipped() const { return verification_skipped_; }
    // Shuts the socket now: a pending read completes (aborted) and releases the connection.
    void close_socket();

  private:
    using error_code = boost::beast::error_code;
    using PlainStream = boost::beast::tcp_stream;
    using TlsStream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
    using Parser = boost::beast::http::response_parser<boost::beast::http::buffer_body>;

    // One body read that may outlive the receive() that started it (the next one continues it).
    struct ReadState {
        explicit ReadState(const boost::asio::any_io_executor& executor) : wake(executor) {}
        bool done = false;
        error_code ec;
        boost::asio::steady_timer wake;
    };

    boost::beast::tcp_stream& tcp_stream();
    Failure make_failure(FailureKind kind, Phase phase, std::string detail) const;
    Failure finish(Failure failure, Clock::time_point started, bool record_attempt) const;
    std::string redacted(std::string text) const;

    boost::asio::awaitable<BoxedFailure> open(const ConnectRequest& request);
    boost::asio::awaitable<std::optional<Failure>> post(std::string body,
                                                        Clock::time_point deadline);
    boost::asio::awaitable<std::optional<Failure>> check_response(Clock::time_point deadline);
    boost::asio::awaitable<std::string> read_error_body(Clock::time_point deadline);

    std::shared_ptr<ReadState> start_read();
    // Feeds what the finished read `state` brought into the SSE parser; a failure when the
    // stream broke the parser's bounds.
    std::optional<Failure> take_read(const ReadState& state);
    static boost::asio::awaitable<bool> wait_until(std::shared_ptr<ReadState> state,
                                                   Clock::time_point deadline);
    ReceivedFrame next_frame();

    boost::asio::any_io_executor executor_;
    std::shared_ptr<HostResolver> resolver_;
    std::optional<ConnectRequest> request_;
    // Declared before stream_ so the context outlives the TLS stream that uses it.
    std::optional<boost::asio::ssl::context> tls_context_;
    std::optional<std::variant<PlainStream, TlsStream>> stream_;
    boost::beast::flat_buffer buffer_;
    std::optional<Parser> parser_;
    std::array<char, 16U * 1024U> chunk_{};
    std::optional<SseParser> events_parser_;
    std::vector<SseEvent> parsed_;
    std::deque<ReceivedFrame> ready_;
    std::shared_ptr<ReadState> pending_read_;
    std::string url_;
    std::string proxy_;
    bool open_ = false;       // connected, nothing POSTed yet
    bool streaming_ = false;  // the answer is an event stream being read
    bool posted_ = false;     // the start message was written: a server may be running it
    std::optional<CloseInfo> closed_;
    std::size_t frames_delivered_ = 0;
    bool verifying_ = false;
    bool sent_client_certificate_ = false;
    bool verification_skipped_ = false;
};

}  // namespace goldenpath::detail
