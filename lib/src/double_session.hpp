// One connection of AgentServerDouble as a class template over its stream: plain sessions are
// made in server_session.cpp, TLS ones in server_session_tls.cpp, so that each file compiles one
// instantiation (the two together were the build's longest compile). A session is a WebSocket
// after an upgrade, or an event stream when the request is a POST: then the body is the start
// message and the script's frames are written as server-sent events. Internal (Boost).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>  // teardown (TLS shutdown) of a websocket over TLS

#include "agent_protocol.hpp"
#include "double_tcp_stream.hpp"
#include "event_stream_framing.hpp"
#include "harness_error.hpp"
#include "outgoing_queue.hpp"
#include "script_runner.hpp"
#include "server_session.hpp"

namespace goldenpath::detail::session {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using error_code = beast::error_code;

inline constexpr std::size_t kReadMessageMax = 16U * 1024U * 1024U;

using PlainWebSocket = websocket::stream<DoubleTcpStream>;
using TlsWebSocket = websocket::stream<beast::ssl_stream<DoubleTcpStream>>;

// One connection: (TLS handshake,) HTTP request, auth, then either websocket accept and a read
// loop that starts script runs, or (a POST) one script run answered as a text/event-stream. Writes
// go through a queue so at most one write (or close) is in flight; ServerConnection commands join
// the same queue, so they keep their order with script frames. WsStream is websocket::stream over
// DoubleTcpStream (ws://) or over beast::ssl_stream (wss://).
template <class WsStream>
class DoubleSession : public ServerSession,
                      public std::enable_shared_from_this<DoubleSession<WsStream>> {
  public:
    static constexpr bool kTls =
        !std::is_same_v<typename WsStream::next_layer_type, DoubleTcpStream>;

    template <class... StreamArgs>
    explicit DoubleSession(SessionHost& server, Clock::time_point accepted_at,
                           StreamArgs&&... stream_args)
        : server_(server),
          journal_(server.journal_ptr()),
          accepted_at_(accepted_at),
          ws_(std::forward<StreamArgs>(stream_args)...),
          queue_(server.options().max_outgoing_bytes) {}

    ~DoubleSession() override { mark_ended(); }
    DoubleSession(const DoubleSession&) = delete;
    DoubleSession& operator=(const DoubleSession&) = delete;

    void start() override {
        if constexpr (kTls) {
            ws_.next_layer().async_handshake(ssl::stream_base::server,
                                             [self = this->shared_from_this()](error_code ec) {
                                                 if (ec) {
                                                     self->hard_close();
                                                     return;
                                                 }
                                                 self->read_request();
                                             });
        } else {
            read_request();
        }
    }

    void shutdown() override {
        stopping_ = true;
        for (const auto& run : runs_) {
            run->timer.cancel();
        }
        if (upgraded_ && !closing_) {
            queue_.drop_waiting();
            enqueue_close(1001, "server stopping");
        } else if (!upgraded_) {
            hard_close();
        }
    }

  private:
    void read_request() {
        http::async_read(ws_.next_layer(), buffer_, request_,
                         [self = this->shared_from_this()](error_code ec, std::size_t) {
                             self->on_request(ec);
                         });
    }

    using Outgoing = OutgoingFrame;

    // Progress of one script run, started by one start message.
    struct Run {
        Run(net::io_context& ioc, ScriptRun script_run)
            : timer(ioc), progress(std::move(script_run)) {}
        net::steady_timer timer;
        ScriptRun progress;
        bool paused = false;  // waits for room in the outgoing queue
    };

    // The run's steps as frames in this session's queue, and its delays on the run's timer.
    class RunOutput final : public ScriptOutput {
      public:
        RunOutput(DoubleSession& session, std::shared_ptr<Run> run)
            : session_(session), run_(std::move(run)) {}
        bool has_room() const override { return !session_.queue_.full(); }
        bool closing() const override { return session_.closing_; }
        void text(std::string text) override { session_.enqueue_text(std::move(text)); }
        void binary(std::string payload) override {
            session_.enqueue(Outgoing::Kind::binary, std::move(payload));
        }
        void ping(std::string payload) override {
            session_.enqueue(Outgoing::Kind::ping, std::move(payload));
        }
        void close(int code, std::string reason) override {
            session_.enqueue_close(code, std::move(reason));
        }
        void reset() override { session_.enqueue_reset(); }
        void stall() override { session_.stalled_ = true; }
        bool delay(Milliseconds delay) override {
            run_->timer.expires_after(delay);
            run_->timer.async_wait([self = session_.shared_from_this(), run = run_](error_code ec) {
                if (!ec && !self->stopping_) {
                    self->advance(run);
                }
            });
            return false;
        }

      private:
        DoubleSession& session_;
        std::shared_ptr<Run> run_;
    };

    // The request phase (double_session_request.hpp).
    void on_request(error_code ec);
    void respond(int status, std::string body);

    // The WebSocket half (double_session_websocket.hpp).
    void on_accept(error_code ec);
    void read();
    void on_read(error_code ec);
    void record_client_close(error_code ec);
    void on_message(const std::string& text);

    // The event-stream half (double_session_event_stream.hpp).
    // A POST without an upgrade: its body is the start message, answered as a text/event-stream
    // that ends with the script run (a close step or a reset ends it early).
    void start_event_stream(RecordedConnection recorded);

    // The client of an event stream sends nothing after its request: reading only notices when it
    // leaves (what it might still send is discarded).
    void watch_client();
    // A close ends the answer with its last chunk (an event stream has no close code).
    void pump_event_stream(const Outgoing& out);

    // The connection is open: handles may drive it, on_connection runs.
    void open_connection() {
        const auto& options = server_.options();
        // Commands from handles come back to this session on the io thread, if it still lives.
        journal_->opened(
            id_,
            [&ioc = server_.ioc(), weak = this->weak_from_this()](ConnectionCommand command) {
                net::post(ioc, [weak, command = std::move(command)]() mutable {
                    if (const auto self = weak.lock()) {
                        self->execute(std::move(command));
                    }
                });
            },
            !options.on_connection);
        if (!event_stream_ && sends_ready_message(options)) {  // an event stream only answers
            enqueue_text(ready_message(id_, options.profile));
        }
        if (options.on_connection) {
            try {
                options.on_connection(std::make_shared<ServerConnection>(journal_, id_));
            } catch (...) {
                enqueue_close(1011, bounded_close_reason(report_harness_error("on_connection")));
            }
        }
    }

    const char* answer_source() const {
        const auto& options = server_.options();
        return options.behaviour    ? "AgentBehaviour"
               : options.script_for ? "script_for"
                                    : "the double";
    }

    void execute(ConnectionCommand command) {
        using Kind = ConnectionCommand::Kind;
        const bool is_frame = command.kind == Kind::text || command.kind == Kind::binary ||
                              command.kind == Kind::ping;
        if (is_frame && queue_.full() && !closing_) {
            // The test sends faster than its client reads: a bounded queue, not unbounded memory.
            queue_.drop_waiting();
            enqueue_close(1008, "goldenpath: outgoing queue over " +
                                    std::to_string(queue_.max_bytes()) +
                                    " bytes: the client does not read");
            return;
        }
        if (is_frame) {
            enqueue(command.kind, std::move(command.payload));
        } else if (command.kind == Kind::close) {
            enqueue_close(command.close_code, std::move(command.payload));
        } else {
            enqueue_reset();
        }
    }

    // There may be room again: paused runs go on (in start order), then reading resumes.
    void resume() {
        if (closing_ || finished_ || resuming_) {
            return;
        }
        resuming_ = true;
        std::vector<std::shared_ptr<Run>> paused;
        for (const auto& run : runs_) {
            if (run->paused) {
                paused.push_back(run);
            }
        }
        for (const auto& run : paused) {
            if (queue_.full() || closing_) {
                break;
            }
            run->paused = false;
            advance(run);
        }
        resuming_ = false;
        if (reading_paused_ && !closing_) {
            read();
        }
    }

    void start_run(Reply reply) {
        auto run = std::make_shared<Run>(server_.ioc(),
                                         ScriptRun{std::move(reply.script), std::move(reply.ids)});
        runs_.push_back(run);
        advance(run);
    }

    // Executes steps until a delay, a stall, a close, a reset or the end.
    void advance(const std::shared_ptr<Run>& run) {
        RunOutput output(*this, run);
        switch (advance_script_run(run->progress, server_.options().profile, output)) {
            case RunProgress::paused:
                run->paused = true;  // resume() goes on when writes made room
                return;
            case RunProgress::waiting:
            case RunProgress::closed:
                return;
            case RunProgress::ended:
                run_ended(run);
                return;
        }
    }

    // A run at its end is dropped, so a client sending many start messages holds no memory.
    void run_ended(const std::shared_ptr<Run>& run) {
        const auto it = std::find(runs_.begin(), runs_.end(), run);
        if (it != runs_.end()) {
            runs_.erase(it);
        }
        if (event_stream_) {
            if (!stalled_) {
                enqueue_close(1000, {});  // the answer is complete
            }
            return;
        }
        if (reading_paused_) {
            resume();
        }
    }

    void enqueue_text(std::string text) { enqueue(Outgoing::Kind::text, std::move(text)); }

    void enqueue(typename Outgoing::Kind kind, std::string payload) {
        if (closing_) {
            return;
        }
        Outgoing out;
        out.kind = kind;
        // Over an event stream a frame is an event (a binary one too: its bytes are the data) and
        // a ping is a comment.
        out.payload = !event_stream_                 ? std::move(payload)
                      : kind == Outgoing::Kind::ping ? event_stream_comment(payload)
                                                     : event_stream_event(payload);
        queue_.push(std::move(out));
        if (queue_.bytes() > peak_outgoing_bytes_) {
            // Rises only until the limit, so few updates whatever the client does.
            peak_outgoing_bytes_ = queue_.bytes();
            journal_->update(id_, [peak = peak_outgoing_bytes_](RecordedConnection& c) {
                c.peak_outgoing_bytes = peak;
            });
        }
        pump();
    }

    void enqueue_close(int code, std::string reason) {
        if (closing_ || !upgraded_) {
            return;
        }
        closing_ = true;
        Outgoing out;
        out.kind = Outgoing::Kind::close;
        out.code = code;
        out.payload = std::move(reason);
        queue_.push(std::move(out));
        pump();
        // Bound the close handshake: a client that never answers is disconnected.
        close_timer_.expires_after(server_.options().close_grace);
        close_timer_.async_wait([self = this->shared_from_this()](error_code ec) {
            if (!ec) {
                self->hard_close();
            }
        });
    }

    // The reset happens once the frames queued before it are written, so the client has them.
    void enqueue_reset() {
        if (closing_) {
            return;
        }
        closing_ = true;
        Outgoing out;
        out.kind = Outgoing::Kind::reset;
        queue_.push(std::move(out));
        pump();
    }

    void pump() {
        if (queue_.empty() || queue_.front().in_flight || finished_ || header_pending_) {
            return;
        }
        Outgoing& out = queue_.front();
        out.in_flight = true;
        if (event_stream_) {
            pump_event_stream(out);
            return;
        }
        switch (out.kind) {
            case Outgoing::Kind::close: {
                websocket::close_reason reason;
                reason.code = static_cast<std::uint16_t>(out.code);
                reason.reason = out.payload;
                ws_.async_close(reason, [self = this->shared_from_this()](error_code ec) {
                    self->record_client_close(ec);
                    self->queue_.clear();
                    self->hard_close();
                });
                return;
            }
            case Outgoing::Kind::reset:
                queue_.clear();
                hard_close(true);
                return;
            case Outgoing::Kind::ping: {
                websocket::ping_data payload;
                payload.assign(out.payload.data(),
                               std::min(out.payload.size(), payload.max_size()));
                ws_.async_ping(payload, [self = this->shared_from_this()](error_code ec) {
                    self->on_written(ec);
                });
                return;
            }
            case Outgoing::Kind::text:
            case Outgoing::Kind::binary:
                ws_.text(out.kind == Outgoing::Kind::text);
                ws_.async_write(net::buffer(out.payload),
                                [self = this->shared_from_this()](error_code ec, std::size_t) {
                                    self->on_written(ec);
                                });
                return;
        }
    }

    void on_written(error_code ec) {
        if (!queue_.empty()) {
            queue_.pop();
        }
        if (ec) {
            hard_close();
            return;
        }
        pump();
        if (!queue_.full()) {
            resume();
        }
    }

    void finish() {
        finished_ = true;
        hard_close();
    }

    // Closes the socket: gracefully (FIN) or, with `abort`, with an RST (SO_LINGER {on, 0}).
    void hard_close(bool abort = false) {
        // The client's close frame counts even when its TCP side stayed open past the grace (a
        // blocking client between calls): Beast has parsed it, its handler comes after the end.
        record_client_close({});
        error_code ignored;
        close_timer_.cancel();
        for (const auto& run : runs_) {
            run->timer.cancel();
        }
        auto& socket = beast::get_lowest_layer(ws_).socket();
        if (socket.is_open()) {
            if (abort) {
                socket.set_option(net::socket_base::linger(true, 0), ignored);
            } else {
                socket.shutdown(tcp::socket::shutdown_both, ignored);
            }
            socket.close(ignored);
        }
        mark_ended();
    }

    // Inside a catch block: the exception as a harness error of this connection, kept and
    // logged by the server; returns the text for the close reason.
    std::string report_harness_error(std::string_view source) {
        std::string error = harness_error(source, describe_current_exception());
        server_.report_harness_error(error + " (connection " + std::to_string(id_) + ")");
        return error;
    }

    void mark_ended() noexcept {
        if (id_ != 0 && !ended_) {
            ended_ = true;
            try {
                journal_->ended(id_);
            } catch (...) {  // called from the destructor too
            }
        }
    }

    SessionHost& server_;
    // Its own reference: a session may be destroyed after the server's members (with the
    // handlers still queued in the io_context).
    std::shared_ptr<ConnectionJournal> journal_;
    Clock::time_point accepted_at_;
    WsStream ws_;
    beast::flat_buffer buffer_;
    beast::flat_buffer read_buffer_;
    http::request<http::string_body> request_;
    net::steady_timer close_timer_{ws_.get_executor()};
    OutgoingQueue queue_;
    std::vector<std::shared_ptr<Run>> runs_;  // in progress (bounded: read() pauses at the limit)
    std::shared_ptr<const RecordedConnection> recording_;  // live, read on this thread only
    std::size_t id_ = 0;
    bool upgraded_ = false;  // WebSocket accepted, or event stream answered
    bool event_stream_ = false;
    bool header_pending_ = false;  // the event stream's header is being written
    bool stalled_ = false;         // a run stalled: its event stream stays open
    bool closing_ = false;
    bool stopping_ = false;
    bool finished_ = false;
    bool ended_ = false;
    std::size_t peak_outgoing_bytes_ = 0;
    bool reading_paused_ = false;
    bool resuming_ = false;
};

}  // namespace goldenpath::detail::session
