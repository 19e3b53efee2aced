// One connection of AgentServerDouble as a class template over its stream: ws:// sessions are
// made in server_session.cpp, wss:// ones in server_session_tls.cpp, so that each file compiles
// one instantiation (the two together were the build's longest compile). Internal (Boost).
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
#include "harness_error.hpp"
#include "outgoing_queue.hpp"
#include "script_runner.hpp"

namespace goldenpath::detail::session {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using error_code = beast::error_code;

inline constexpr auto kCloseGrace =
    std::chrono::milliseconds(200);  // close handshake before hard close
inline constexpr std::size_t kReadMessageMax = 16U * 1024U * 1024U;

using PlainWebSocket = websocket::stream<beast::tcp_stream>;
using TlsWebSocket = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

// One connection: (TLS handshake,) HTTP upgrade, auth, websocket accept, then a read loop that
// starts script runs. Writes go through a queue so at most one write (or close) is in flight;
// ServerConnection commands join the same queue, so they keep their order with script frames.
// WsStream is websocket::stream over beast::tcp_stream (ws://) or over beast::ssl_stream (wss://).
template <class WsStream>
class WebSocketSession : public ServerSession,
                         public std::enable_shared_from_this<WebSocketSession<WsStream>> {
  public:
    static constexpr bool kTls =
        !std::is_same_v<typename WsStream::next_layer_type, beast::tcp_stream>;

    template <class... StreamArgs>
    explicit WebSocketSession(SessionHost& server, Clock::time_point accepted_at,
                              StreamArgs&&... stream_args)
        : server_(server),
          journal_(server.journal_ptr()),
          accepted_at_(accepted_at),
          ws_(std::forward<StreamArgs>(stream_args)...),
          queue_(server.options().max_outgoing_bytes) {}

    ~WebSocketSession() override { mark_ended(); }
    WebSocketSession(const WebSocketSession&) = delete;
    WebSocketSession& operator=(const WebSocketSession&) = delete;

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
        RunOutput(WebSocketSession& session, std::shared_ptr<Run> run)
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
        void stall() override {}
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
        WebSocketSession& session_;
        std::shared_ptr<Run> run_;
    };

    void on_request(error_code ec) {
        if (ec) {
            // Bytes that are no HTTP (e.g. a TLS ClientHello) get a 400 like real servers give,
            // so a wss:// client sees plain text (tls(not_tls_server)) instead of a silent drop.
            if (ec.category() == make_error_code(http::error::bad_method).category() &&
                ec != http::error::end_of_stream && ec != http::error::partial_message) {
                respond(400, "bad request");
                return;
            }
            hard_close();
            return;
        }
        RecordedConnection recorded;
        recorded.target = std::string(request_.target());
        recorded.accepted_at = accepted_at_;
        for (const auto& field : request_) {
            recorded.headers.emplace_back(std::string(field.name_string()),
                                          std::string(field.value()));
        }
        for (const auto& field : request_) {
            if (field.name() == http::field::sec_websocket_protocol) {
                for (auto& item : split_header_list(field.value())) {
                    recorded.offered_subprotocols.push_back(std::move(item));
                }
            }
        }
        const auto& options = server_.options();
        if (options.upgrade_fault_for) {
            recorded.id = journal_->next_id();  // record() gives the same id
            UpgradeFault fault = UpgradeFault::none;
            try {
                fault = options.upgrade_fault_for(recorded);
            } catch (...) {
                report_harness_error("upgrade_fault_for");
                fault = UpgradeFault::close;
            }
            if (fault != UpgradeFault::none) {
                id_ = journal_->record(std::move(recorded));
                hard_close(fault == UpgradeFault::reset);
                return;
            }
        }
        auto decision = decide_upgrade(recorded, options);
        if (decision.reject_status == 0 && !websocket::is_upgrade(request_)) {
            decision = {426, "websocket upgrade required", {}};
        }
        const int reject = decision.reject_status;
        std::string body = std::move(decision.body);
        const std::string selected = std::move(decision.selected_subprotocol);
        // Marked before the 101 is written, so a client that saw the upgrade finds it recorded.
        recorded.upgraded = reject == 0 && !stopping_;
        recorded.rejected_status = reject;
        recorded.selected_subprotocol = selected;
        id_ = journal_->record(std::move(recorded));
        recording_ = journal_->live(id_);
        if (reject != 0) {
            respond(reject, std::move(body));
            return;
        }
        if (stopping_) {
            hard_close();
            return;
        }
        ws_.set_option(websocket::stream_base::decorator([selected](websocket::response_type& res) {
            res.set(http::field::server, "goldenpath-agent-server-double");
            if (!selected.empty()) {
                res.set(http::field::sec_websocket_protocol, selected);
            }
        }));
        ws_.read_message_max(kReadMessageMax);
        ws_.async_accept(request_, [self = this->shared_from_this()](error_code accept_ec) {
            self->on_accept(accept_ec);
        });
    }

    void respond(int status, std::string body) {
        auto response = std::make_shared<http::response<http::string_body>>();
        response->result(static_cast<unsigned>(status));
        response->version(request_.version());
        response->set(http::field::server, "goldenpath-agent-server-double");
        response->set(http::field::content_type, "text/plain");
        response->keep_alive(false);
        response->body() = std::move(body);
        response->prepare_payload();
        http::async_write(ws_.next_layer(), *response,
                          [self = this->shared_from_this(), response](error_code, std::size_t) {
                              self->hard_close();
                          });
    }

    void on_accept(error_code ec) {
        if (ec) {
            journal_->update(id_, [](RecordedConnection& c) { c.upgraded = false; });
            hard_close();
            return;
        }
        upgraded_ = true;
        // The client's close code is recorded as its close frame arrives, before Beast answers
        // it: a client whose close() returned (it waits for the answer) finds it recorded.
        ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
            if (kind == websocket::frame_type::close) {
                record_client_close(websocket::error::closed);
            }
        });
        if (stopping_) {
            enqueue_close(1001, "server stopping");
            return;
        }
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
        if (options.send_connection_established) {
            enqueue_text(ready_message(id_, options.profile));
        }
        if (options.on_connection) {
            try {
                options.on_connection(std::make_shared<ServerConnection>(journal_, id_));
            } catch (...) {
                enqueue_close(1011, bounded_close_reason(report_harness_error("on_connection")));
            }
        }
        read();
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
        switch (command.kind) {
            case Kind::text:
                enqueue(Outgoing::Kind::text, std::move(command.payload));
                break;
            case Kind::binary:
                enqueue(Outgoing::Kind::binary, std::move(command.payload));
                break;
            case Kind::ping:
                enqueue(Outgoing::Kind::ping, std::move(command.payload));
                break;
            case Kind::close:
                enqueue_close(command.close_code, std::move(command.payload));
                break;
            case Kind::reset:
                enqueue_reset();
                break;
        }
    }

    void read() {
        if (queue_.full() || runs_.size() >= server_.options().max_runs_per_connection) {
            reading_paused_ = true;  // back-pressure: resume() reads again once there is room
            return;
        }
        reading_paused_ = false;
        ws_.async_read(read_buffer_, [self = this->shared_from_this()](error_code ec, std::size_t) {
            self->on_read(ec);
        });
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

    void on_read(error_code ec) {
        if (ec) {
            // Over TLS the teardown after the close frame may fail (the client's own close
            // frame arrives after our close_notify): the frame's code still counts.
            record_client_close(ec);
            finish();
            return;
        }
        std::string text = beast::buffers_to_string(read_buffer_.data());
        read_buffer_.consume(read_buffer_.size());
        const bool is_text = ws_.got_text();
        if (is_text) {
            const std::size_t limit = server_.options().max_recorded_messages;
            journal_->update(id_, [&text, limit](RecordedConnection& c) {
                if (c.received.size() < limit) {
                    c.received.push_back(text);
                } else {
                    ++c.received_omitted;  // a client that sends without end costs no memory
                }
            });
            on_message(text);
        }
        if (!closing_) {
            read();
        }
    }

    void record_client_close(error_code ec) {
        if (ec == websocket::error::closed || ws_.reason().code != 0) {
            const int code = static_cast<int>(ws_.reason().code);
            journal_->update(id_, [code](RecordedConnection& c) { c.client_close_code = code; });
        }
    }

    void on_message(const std::string& text) {
        std::optional<Reply> reply;
        try {
            // The live recording, not a copy: a copy per message made n messages cost n².
            reply = answer(*recording_, text, server_.options());
        } catch (...) {
            const auto& options = server_.options();
            const char* source = options.behaviour    ? "AgentBehaviour"
                                 : options.script_for ? "script_for"
                                                      : "the double";
            enqueue_close(1011, bounded_close_reason(report_harness_error(source)));
            return;
        }
        if (!reply) {
            return;
        }
        auto run = std::make_shared<Run>(
            server_.ioc(), ScriptRun{std::move(reply->script), std::move(reply->ids)});
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
        out.payload = std::move(payload);
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
        close_timer_.expires_after(kCloseGrace);
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
        if (queue_.empty() || queue_.front().in_flight || finished_) {
            return;
        }
        Outgoing& out = queue_.front();
        out.in_flight = true;
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
    bool upgraded_ = false;
    bool closing_ = false;
    bool stopping_ = false;
    bool finished_ = false;
    bool ended_ = false;
    std::size_t peak_outgoing_bytes_ = 0;
    bool reading_paused_ = false;
    bool resuming_ = false;
};

}  // namespace goldenpath::detail::session
