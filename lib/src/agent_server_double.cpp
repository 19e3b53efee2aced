// The only translation unit with server-side Boost.Beast (docs/architecture.md). One io_context on
// one thread serves every connection; sessions are shared_from_this objects kept alive by their
// handlers, and the Impl outlives them because stop() joins the thread before it goes away.
#include "goldenpath/agent_server_double.hpp"

#include "accept_loop.hpp"
#include "agent_protocol.hpp"
#include "connection_journal.hpp"
#include "harness_error.hpp"
#include "outgoing_queue.hpp"
#include "tls_material.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>  // teardown (TLS shutdown) of a websocket over TLS

namespace goldenpath {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using error_code = beast::error_code;

constexpr auto kCloseGrace = std::chrono::milliseconds(200);  // close handshake before hard close
constexpr auto kStopLimit = std::chrono::seconds(1);          // stop() waits at most this long
constexpr std::size_t kReadMessageMax = 16U * 1024U * 1024U;
constexpr std::size_t kHarnessErrorsKept = 100;

class SessionBase;

// The server: acceptor, io thread, recorded connections. AgentServerDouble::Impl is this.
class ServerCore {
  public:
    explicit ServerCore(AgentServerDoubleOptions options);
    ~ServerCore() { stop(); }
    ServerCore(const ServerCore&) = delete;
    ServerCore& operator=(const ServerCore&) = delete;

    void stop();

    const AgentServerDoubleOptions& options() const noexcept { return options_; }
    net::io_context& ioc() noexcept { return ioc_; }

    // Shared with the connection handles, which may outlive the server.
    detail::ConnectionJournal& journal() noexcept { return *journal_; }
    const std::shared_ptr<detail::ConnectionJournal>& journal_ptr() const noexcept {
        return journal_;
    }

    std::uint16_t port() const noexcept { return port_; }

    // One line for a human (options.log, else stderr).
    void log(const std::string& line) const;
    // A callback of the test's own double threw (`error` from detail::harness_error): kept for
    // harness_errors() and logged. Any thread.
    void report_harness_error(const std::string& error);
    std::vector<std::string> harness_errors() const;

  private:
    void on_accepted(tcp::socket socket);
    void shutdown_all();
    void run() noexcept;

    AgentServerDoubleOptions options_;
    // Before ioc_: handlers still queued at destruction hold sessions whose streams use it.
    std::optional<ssl::context> tls_context_;  // options_.tls only
    net::io_context ioc_;
    tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    std::vector<std::weak_ptr<SessionBase>> sessions_;  // io thread only
    std::size_t sweep_sessions_at_ = 64;                // when to drop ended ones (amortised)
    detail::AcceptLoop accept_loop_;
    std::shared_ptr<detail::ConnectionJournal> journal_;

    mutable std::mutex harness_mutex_;
    std::vector<std::string> harness_errors_;  // guarded by harness_mutex_

    std::mutex run_mutex_;
    std::condition_variable run_finished_cv_;
    bool run_finished_ = false;
    bool stopped_ = false;  // guarded by run_mutex_
    std::thread thread_;
};

// What the server knows of a session, whichever stream it runs on.
using PlainWebSocket = websocket::stream<beast::tcp_stream>;
using TlsWebSocket = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

class SessionBase {
  public:
    SessionBase() = default;
    virtual ~SessionBase() = default;
    SessionBase(const SessionBase&) = delete;
    SessionBase& operator=(const SessionBase&) = delete;
    virtual void start() = 0;
    // Server shutdown: close 1001 when upgraded, else drop the socket.
    virtual void shutdown() = 0;
};

// One connection: (TLS handshake,) HTTP upgrade, auth, websocket accept, then a read loop that
// starts script runs. Writes go through a queue so at most one write (or close) is in flight;
// ServerConnection commands join the same queue, so they keep their order with script frames.
// WsStream is websocket::stream over beast::tcp_stream (ws://) or over beast::ssl_stream (wss://).
template <class WsStream>
class Session : public SessionBase, public std::enable_shared_from_this<Session<WsStream>> {
  public:
    static constexpr bool kTls =
        !std::is_same_v<typename WsStream::next_layer_type, beast::tcp_stream>;

    template <class... StreamArgs>
    explicit Session(ServerCore& server, Clock::time_point accepted_at, StreamArgs&&... stream_args)
        : server_(server),
          journal_(server.journal_ptr()),
          accepted_at_(accepted_at),
          ws_(std::forward<StreamArgs>(stream_args)...),
          queue_(server.options().max_outgoing_bytes) {}

    ~Session() override { mark_ended(); }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

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

    using Outgoing = detail::OutgoingFrame;

    // Progress of one script run, started by one start message.
    struct Run : std::enable_shared_from_this<Run> {
        Run(net::io_context& ioc, Script run_script, std::string thread, std::string run)
            : timer(ioc),
              script(std::move(run_script)),
              thread_id(std::move(thread)),
              run_id(std::move(run)) {}
        net::steady_timer timer;
        Script script;
        std::string thread_id;
        std::string run_id;
        std::size_t next = 0;
        bool paused = false;  // waits for room in the outgoing queue
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
                for (auto& item : detail::split_header_list(field.value())) {
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
        auto decision = detail::decide_upgrade(recorded, options);
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
        if (stopping_) {
            enqueue_close(1001, "server stopping");
            return;
        }
        const auto& options = server_.options();
        // Commands from handles come back to this session on the io thread, if it still lives.
        journal_->opened(
            id_,
            [&ioc = server_.ioc(),
             weak = this->weak_from_this()](detail::ConnectionCommand command) {
                net::post(ioc, [weak, command = std::move(command)]() mutable {
                    if (const auto self = weak.lock()) {
                        self->execute(std::move(command));
                    }
                });
            },
            !options.on_connection);
        if (options.send_connection_established) {
            enqueue_text(detail::ready_message(id_, options.profile));
        }
        if (options.on_connection) {
            try {
                options.on_connection(std::make_shared<ServerConnection>(journal_, id_));
            } catch (...) {
                enqueue_close(1011,
                              detail::bounded_close_reason(report_harness_error("on_connection")));
            }
        }
        read();
    }

    void execute(detail::ConnectionCommand command) {
        using Kind = detail::ConnectionCommand::Kind;
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
        std::optional<detail::Reply> reply;
        try {
            // The live recording, not a copy: a copy per message made n messages cost n².
            reply = detail::answer(*recording_, text, server_.options());
        } catch (...) {
            const auto& options = server_.options();
            const char* source = options.behaviour    ? "AgentBehaviour"
                                 : options.script_for ? "script_for"
                                                      : "the double";
            enqueue_close(1011, detail::bounded_close_reason(report_harness_error(source)));
            return;
        }
        if (!reply) {
            return;
        }
        auto run =
            std::make_shared<Run>(server_.ioc(), std::move(reply->script),
                                  std::move(reply->ids.thread_id), std::move(reply->ids.run_id));
        runs_.push_back(run);
        advance(run);
    }

    // Executes steps until a delay, a stall, a close, a reset or the end.
    void advance(const std::shared_ptr<Run>& run) {
        const auto& profile = server_.options().profile;
        const auto& steps = run->script.steps();
        while (run->next < steps.size() && !closing_) {
            if (queue_.full()) {
                run->paused = true;  // resume() goes on when writes made room
                return;
            }
            const ScriptStep& step = steps[run->next++];
            switch (step.kind) {
                case ScriptStep::Kind::event:
                    enqueue_text(detail::render_event(
                        step.event, detail::RunIds{run->thread_id, run->run_id}, profile));
                    break;
                case ScriptStep::Kind::send_raw:
                    enqueue_text(step.text);
                    break;
                case ScriptStep::Kind::send_binary:
                    enqueue(Outgoing::Kind::binary, step.text);
                    break;
                case ScriptStep::Kind::ping:
                    enqueue(Outgoing::Kind::ping, step.text);
                    break;
                case ScriptStep::Kind::close:
                    enqueue_close(step.close_code, step.text);
                    return;
                case ScriptStep::Kind::reset:
                    enqueue_reset();
                    return;
                case ScriptStep::Kind::delay:
                    run->timer.expires_after(step.delay);
                    run->timer.async_wait([self = this->shared_from_this(), run](error_code ec) {
                        if (!ec && !self->stopping_) {
                            self->advance(run);
                        }
                    });
                    return;
                case ScriptStep::Kind::stall:
                    run->next = steps.size();
                    break;
            }
        }
        run_ended(run);
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
        std::string error = detail::harness_error(source, detail::describe_current_exception());
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

    ServerCore& server_;
    // Its own reference: a session may be destroyed after the server's members (with the
    // handlers still queued in the io_context).
    std::shared_ptr<detail::ConnectionJournal> journal_;
    Clock::time_point accepted_at_;
    WsStream ws_;
    beast::flat_buffer buffer_;
    beast::flat_buffer read_buffer_;
    http::request<http::string_body> request_;
    net::steady_timer close_timer_{ws_.get_executor()};
    detail::OutgoingQueue queue_;
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

ServerCore::ServerCore(AgentServerDoubleOptions options)
    : options_(std::move(options)),
      acceptor_(ioc_),
      accept_loop_(
          acceptor_, [this](tcp::socket socket) { on_accepted(std::move(socket)); },
          [this](const std::string& line) { log(line); }),
      journal_(std::make_shared<detail::ConnectionJournal>(options_.journal_capacity)) {
    if (options_.tls) {
        tls_context_.emplace(detail::make_server_tls_context(options_.tls_certificate,
                                                             options_.require_client_certificate));
    }
    error_code ec;
    const auto address = net::ip::make_address(options_.host, ec);
    if (ec) {
        throw std::runtime_error("AgentServerDouble: host '" + options_.host +
                                 "' is not an IP address: " + ec.message());
    }
    const tcp::endpoint endpoint(address, options_.port);
    const auto fail = [&](std::string_view what) {
        throw std::runtime_error("AgentServerDouble: cannot " + std::string(what) + " " +
                                 options_.host + ":" + std::to_string(options_.port) + ": " +
                                 ec.message());
    };
    acceptor_.open(endpoint.protocol(), ec);
    if (ec) {
        fail("open a socket for");
    }
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (address.is_v6()) {
        acceptor_.set_option(net::ip::v6_only(true), ec);
    }
    acceptor_.bind(endpoint, ec);
    if (ec) {
        fail("bind");
    }
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
        fail("listen on");
    }
    port_ = acceptor_.local_endpoint(ec).port();
    accept_loop_.start();
    thread_ = std::thread([this] { run(); });
}

void ServerCore::run() noexcept {
    for (;;) {
        try {
            ioc_.run();
            break;
        } catch (...) {  // a throwing handler must not take the process down; keep serving
            try {
                report_harness_error(
                    detail::harness_error("an io handler", detail::describe_current_exception()));
            } catch (...) {  // out of memory while reporting: keep serving all the same
            }
        }
    }
    {
        const std::lock_guard lock(run_mutex_);
        run_finished_ = true;
    }
    run_finished_cv_.notify_all();
}

void ServerCore::on_accepted(tcp::socket socket) {
    if (sessions_.size() >= sweep_sessions_at_) {
        sessions_.erase(
            std::remove_if(sessions_.begin(), sessions_.end(),
                           [](const std::weak_ptr<SessionBase>& s) { return s.expired(); }),
            sessions_.end());
        sweep_sessions_at_ = std::max<std::size_t>(64, 2 * sessions_.size());
    }
    const auto accepted_at = Clock::now();
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // no Nagle delay on small frames
    std::shared_ptr<SessionBase> session;
    if (tls_context_) {
        session = std::make_shared<Session<TlsWebSocket>>(*this, accepted_at, std::move(socket),
                                                          *tls_context_);
    } else {
        session = std::make_shared<Session<PlainWebSocket>>(*this, accepted_at, std::move(socket));
    }
    sessions_.push_back(session);
    session->start();
}

void ServerCore::log(const std::string& line) const {
    if (options_.log) {
        options_.log(line);
        return;
    }
    std::cerr << "[goldenpath.server_double] " << line << std::endl;
}

void ServerCore::report_harness_error(const std::string& error) {
    {
        const std::lock_guard lock(harness_mutex_);
        if (harness_errors_.size() < kHarnessErrorsKept) {
            harness_errors_.push_back(error);
        }
    }
    log(error);
}

std::vector<std::string> ServerCore::harness_errors() const {
    const std::lock_guard lock(harness_mutex_);
    return harness_errors_;
}

void ServerCore::shutdown_all() {
    error_code ignored;
    accept_loop_.stop();
    acceptor_.close(ignored);
    for (const auto& weak : sessions_) {
        if (auto session = weak.lock()) {
            session->shutdown();
        }
    }
}

void ServerCore::stop() {
    {
        const std::lock_guard lock(run_mutex_);
        if (stopped_) {
            return;
        }
        stopped_ = true;
    }
    net::post(ioc_, [this] { shutdown_all(); });
    {
        std::unique_lock lock(run_mutex_);
        if (!run_finished_cv_.wait_until(lock, Clock::now() + kStopLimit,
                                         [this] { return run_finished_; })) {
            ioc_.stop();
        }
    }
    if (thread_.joinable()) {
        thread_.join();
    }
    journal_->detach();
}

}  // namespace

class AgentServerDouble::Impl : public ServerCore {
  public:
    using ServerCore::ServerCore;
};

AgentServerDouble::AgentServerDouble(AgentServerDoubleOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

AgentServerDouble::~AgentServerDouble() {
    try {
        impl_->stop();
    } catch (...) {  // a destructor never throws
    }
}

std::uint16_t AgentServerDouble::port() const noexcept {
    return impl_->port();
}

std::string AgentServerDouble::url() const {
    const std::string& host = impl_->options().host;
    const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return (impl_->options().tls ? "wss://" : "ws://") + shown + ":" +
           std::to_string(impl_->port()) + impl_->options().profile.path;
}

std::filesystem::path AgentServerDouble::ca_file() const {
    return impl_->options().tls ? detail::tls_ca_file() : std::filesystem::path();
}

ClientCertificateFiles AgentServerDouble::client_certificate() const {
    return impl_->options().tls ? detail::tls_client_files() : ClientCertificateFiles{};
}

std::vector<RecordedConnection> AgentServerDouble::connections() const {
    return impl_->journal().connections();
}

bool AgentServerDouble::wait_for_connections(std::size_t count, Clock::time_point deadline) const {
    return impl_->journal().wait_for_connections(count, deadline);
}

bool AgentServerDouble::wait_for_messages(std::size_t id, std::size_t count,
                                          Clock::time_point deadline) const {
    return impl_->journal().wait_for_messages(id, count, deadline);
}

std::shared_ptr<ServerConnection> AgentServerDouble::wait_for_connection(
    Clock::time_point deadline) {
    const auto id = impl_->journal().take_opened(deadline);
    if (!id) {
        return nullptr;
    }
    return std::make_shared<ServerConnection>(impl_->journal_ptr(), *id);
}

std::vector<std::string> AgentServerDouble::harness_errors() const {
    return impl_->harness_errors();
}

void AgentServerDouble::stop() {
    impl_->stop();
}

}  // namespace goldenpath
