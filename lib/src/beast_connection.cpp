// An open BeastConnection: sending, receiving, the server's close frame and the client's close.
#include <array>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket/ssl.hpp>  // teardown (TLS shutdown) of a websocket over TLS

#include "beast_connection.hpp"
#include "operation_wait.hpp"
#include "read_failure_mapping.hpp"

namespace goldenpath::detail {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using error_code = beast::error_code;
using net::awaitable;
using net::use_awaitable;

constexpr Milliseconds kWriteTimeout{5000};
constexpr std::chrono::seconds kDrainLimit{2};
constexpr Milliseconds kSettleLimit{100};
constexpr std::size_t kKeptReadBuffer = 64U * 1024U;
// What a read asks Beast to make room for before a message arrives: a golden-path frame is
// about 200 bytes. A longer message is read on in a second step, with Beast's own size hint.
constexpr std::size_t kFirstReadBytes = 512;
// Data frames close() hands back (late frames, judged as event_after_completion); a server that
// floods during the close gets the rest read and dropped.
constexpr std::size_t kMaxDrainedFrames = 100;
constexpr std::size_t kMaxDrainedBytes = 1024U * 1024U;

// A masked client close frame (RFC 6455 §5.5.1): code, then up to 123 bytes of reason.
std::string client_close_frame(int code, std::string_view reason) {
    reason = reason.substr(0, 123);
    std::string payload;
    payload.push_back(static_cast<char>((code >> 8) & 0xff));
    payload.push_back(static_cast<char>(code & 0xff));
    payload.append(reason);
    // A per-thread generator seeded once: std::random_device per frame cost 12% of a journey's
    // CPU time (bench profile). Masks only need to be unpredictable to intermediaries.
    thread_local std::mt19937 random{std::random_device{}()};
    std::array<unsigned char, 4> mask{};
    for (auto& byte : mask) {
        byte = static_cast<unsigned char>(random() & 0xffU);
    }
    std::string frame;
    frame.push_back(static_cast<char>(0x88));                    // FIN + opcode close
    frame.push_back(static_cast<char>(0x80U | payload.size()));  // masked, length <= 125
    for (const auto byte : mask) {
        frame.push_back(static_cast<char>(byte));
    }
    for (std::size_t i = 0; i < payload.size(); ++i) {
        frame.push_back(static_cast<char>(static_cast<unsigned char>(payload[i]) ^ mask[i % 4]));
    }
    return frame;
}

// RFC 6455 §7.4.1 and §7.4.2 (IANA registry): codes a peer may send in a close frame.
bool is_sendable_close_code(unsigned code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
           (code >= 3000 && code <= 4999);
}

}  // namespace

awaitable<bool> BeastConnection::wait_until(std::shared_ptr<OpState> state,
                                            Clock::time_point deadline) {
    return wait_until_done(std::move(state), deadline);
}

awaitable<void> BeastConnection::cancel_and_drain(std::shared_ptr<OpState> state) {
    if (ws_) {
        error_code ignored;
        tcp_stream().socket().cancel(ignored);
    }
    if (!co_await wait_until(state, Clock::now() + kDrainLimit)) {
        close_socket();
        co_await wait_until(state, Clock::now() + kSettleLimit);
    }
}

void BeastConnection::close_socket() {
    if (!ws_) {
        return;
    }
    error_code ignored;
    auto& socket = tcp_stream().socket();
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

void BeastConnection::discard_stream() {
    close_socket();
    torn_down_ = true;
}

std::shared_ptr<BeastConnection::OpState> BeastConnection::start_read() {
    auto state = new_op();
    visit_ws([&](auto& ws) {
        ws.async_read_some(buffer_, kFirstReadBytes, MessageRead{completion(state)});
    });
    return state;
}

void BeastConnection::MessageRead::operator()(error_code ec, std::size_t bytes) {
    auto& connection = *completion.keep_alive;
    if (!ec && connection.ws_ && !connection.message_done()) {
        connection.visit_ws([&](auto& ws) {
            ws.async_read_some(connection.buffer_, 0, std::move(*this));  // 0: Beast's hint
        });
        return;
    }
    completion(ec, bytes);
}

// A close frame Beast rejects (an invalid code, a 1-byte payload) never reaches the control
// callback, and Beast reports it only after its closing handshake; the watcher below Beast saw
// the frame arrive, so it is reported now, with what the server sent.
void BeastConnection::check_server_close_payload() {
    if (invalid_close_ || server_close_) {
        return;
    }
    invalid_close_ = invalid_server_close();
    if (invalid_close_due() && pending_read_) {
        pending_read_->wake.cancel();
    }
}

// The watcher sees the close frame as its bytes arrive, possibly behind data messages Beast has
// yet to hand out: those come first.
bool BeastConnection::invalid_close_due() const {
    if (!invalid_close_) {
        return false;
    }
    const std::size_t before = std::visit(
        [](const auto& ws) { return ws.next_layer().scanner().messages_before_close(); }, *ws_);
    return frames_delivered_ >= before;
}

std::optional<Failure> BeastConnection::invalid_server_close() const {
    const auto& payload = std::visit(
        [](const auto& ws) -> const std::optional<std::string>& {
            return ws.next_layer().scanner().close_payload();
        },
        *ws_);
    if (!payload || payload->empty()) {
        return std::nullopt;
    }
    if (payload->size() == 1) {
        Failure failure = make_failure(FailureKind::malformed_frame, Phase::completion,
                                       "the server's close frame has a 1-byte payload; a close "
                                       "code takes 2 bytes (RFC 6455 §5.5.1); the client closed "
                                       "with 1002");
        failure.frame_index = frames_delivered_;
        failure.close_code = 1002;
        failure.close_reason = "close frame with a 1-byte payload";
        return failure;
    }
    const auto code = (static_cast<unsigned>(static_cast<unsigned char>((*payload)[0])) << 8U) |
                      static_cast<unsigned char>((*payload)[1]);
    if (is_sendable_close_code(code)) {
        return std::nullopt;
    }
    Failure failure = make_failure(FailureKind::closed, Phase::completion,
                                   "invalid close code " + std::to_string(code) +
                                       " (RFC 6455 §7.4); the client closed with 1002");
    failure.close_code = static_cast<int>(code);
    failure.close_reason = redacted(payload->substr(2));
    return failure;
}

// Runs inside a read of this connection (which holds it alive), before Beast answers the close.
void BeastConnection::on_server_close() {
    if (invalid_close_) {
        return;
    }
    if ((invalid_close_ = invalid_server_close())) {
        if (pending_read_ && invalid_close_due()) {
            pending_read_->wake.cancel();
        }
        return;
    }
    const auto reason = close_reason();
    server_close_ = CloseInfo{reason.code == 0 ? 1005 : static_cast<int>(reason.code),
                              redacted(std::string(reason.reason.c_str()))};
    if (pending_read_) {
        pending_read_->wake.cancel();
    }
}

awaitable<std::optional<Failure>> BeastConnection::send_text(std::string text) {
    if (!open_ || !ws_open()) {
        co_return send_failure(std::nullopt);
    }
    auto state = new_op();
    visit_ws([&](auto& ws) {
        ws.text(true);
        ws.write_buffer_bytes(write_buffer_for(text.size()));
        ws.async_write(net::buffer(text), completion(state));
    });
    if (!co_await wait_until(state, Clock::now() + kWriteTimeout)) {
        co_await cancel_and_drain(state);
        state->ec = net::error::timed_out;
    }
    if (!state->ec) {
        co_return std::nullopt;
    }
    co_return send_failure(state->ec);
}

// Built outside send_text: a Failure local in the coroutine would take 400 bytes of every
// pending send's frame.
Failure BeastConnection::send_failure(std::optional<error_code> write_error) {
    std::string detail = "cannot send: the connection is not open";
    if (write_error) {
        open_ = false;
        closed_ = CloseInfo{1006, write_error->message()};
        detail = "write failed: " + write_error->message();
    }
    Failure failure = make_failure(FailureKind::closed, Phase::completion, std::move(detail));
    failure.close_code = closed_ ? closed_->code : 1006;
    failure.close_reason = closed_ ? closed_->reason : "not connected";
    failure.detail = redacted(failure.detail);
    return failure;
}

ReceivedFrame BeastConnection::take_frame() {
    ReceivedFrame frame;
    frame.text = beast::buffers_to_string(buffer_.data());
    frame.binary = !got_text();
    frame.arrival = Clock::now();
    buffer_.consume(buffer_.size());
    if (buffer_.capacity() > kKeptReadBuffer) {
        buffer_.shrink_to_fit();  // a 16 MB message must not stay resident as an empty buffer
    }
    return frame;
}

awaitable<std::unique_ptr<ReceiveResult>> BeastConnection::receive(Clock::time_point deadline) {
    auto result = std::make_unique<ReceiveResult>();
    if (closed_ || !ws_ || (!pending_read_ && !ws_open())) {
        result->status = ReceiveResult::Status::closed;
        result->close = closed_ ? *closed_ : CloseInfo{1006, "not connected"};
        co_return result;
    }
    const auto report_invalid_close = [&] {
        closed_ = CloseInfo{invalid_close_->close_code, invalid_close_->close_reason};
        open_ = false;
        result->status = ReceiveResult::Status::error;
        result->failure = *invalid_close_;
    };
    if (invalid_close_due() && !(pending_read_ && pending_read_->done)) {
        report_invalid_close();
        co_return result;
    }
    if (server_close_ && !(pending_read_ && pending_read_->done)) {
        closed_ = server_close_;
        open_ = false;
        result->status = ReceiveResult::Status::closed;
        result->close = *closed_;
        co_return result;
    }
    if (Clock::now() >= deadline && !(pending_read_ && pending_read_->done)) {
        // Without this a server that sends faster than the caller consumes would keep every
        // receive() returning frames, and the caller's deadline would never come.
        result->status = ReceiveResult::Status::timeout;
        co_return result;
    }
    if (!pending_read_) {
        pending_read_ = start_read();
    }
    if (!co_await wait_until(pending_read_, deadline)) {
        if (invalid_close_due()) {
            report_invalid_close();  // Beast's closing handshake goes on like below
            co_return result;
        }
        if (server_close_) {
            // The closing handshake goes on without the caller; close() or the destructor ends
            // what is left of it.
            closed_ = server_close_;
            open_ = false;
            result->status = ReceiveResult::Status::closed;
            result->close = *closed_;
            co_return result;
        }
        // The read stays pending; the next receive() continues it, so no frame is lost.
        result->status = ReceiveResult::Status::timeout;
        co_return result;
    }
    const auto state = std::move(pending_read_);
    pending_read_.reset();
    if (!state->ec) {
        result->status = ReceiveResult::Status::frame;
        result->frame = take_frame();
        ++frames_delivered_;
        co_return result;
    }
    // A close frame may have arrived even when the reply could not be written (the server
    // already dropped the TCP connection): report the server's code then, not 1006.
    if (invalid_close_) {
        report_invalid_close();
        co_return result;
    }
    const auto reason = close_reason();
    if (state->ec == websocket::error::closed || reason.code != 0) {
        closed_ = CloseInfo{reason.code == 0 ? 1005 : static_cast<int>(reason.code),
                            redacted(std::string(reason.reason.c_str()))};
    } else if (is_read_failure(state->ec)) {
        // What the server did wrong at the WebSocket layer, indexed like the frames receive()
        // returned, or silence after a keepalive ping.
        result->failure =
            read_failure(state->ec, ReadContext{frames_delivered_, max_message_bytes_, keepalive_});
        result->failure.url = url_;
        closed_ = CloseInfo{result->failure.close_code, result->failure.close_reason};
        open_ = false;
        result->status = ReceiveResult::Status::error;
        co_return result;
    } else {
        closed_ = CloseInfo{1006, redacted(state->ec.message())};
    }
    open_ = false;
    result->status = ReceiveResult::Status::closed;
    result->close = *closed_;
    co_return result;
}

// The close frame goes out below Beast's write lock (see close()), so no keepalive ping may be
// written at the same time: the idle timer is disarmed (a timer that fires with idle_timeout none
// does nothing) and a ping already started is let finish.
awaitable<void> BeastConnection::stop_keepalive() {
    visit_ws([this](auto& ws) {
        websocket::stream_base::timeout timeout{};
        timeout.handshake_timeout = closing_timeout_;
        timeout.idle_timeout = websocket::stream_base::none();
        timeout.keep_alive_pings = false;
        ws.set_option(timeout);
    });
    co_await net::post(executor_, use_awaitable);
}

awaitable<std::vector<ReceivedFrame>> BeastConnection::close(int code, std::string reason,
                                                             Clock::time_point deadline) {
    std::vector<ReceivedFrame> drained;
    std::size_t drained_bytes = 0;
    if (!ws_) {
        co_return drained;
    }
    if (ws_open() && !closed_) {
        // Beast's async_close would read and discard the data frames that are still on their way
        // (the server sent them before it saw our close). So the close frame is written on the
        // layer below the WebSocket (TCP, or TLS for wss://) while our own read loop stays
        // active: it returns every data frame, and ends with websocket::error::closed when the
        // server's close frame arrives (Beast then answers it and tears the connection down).
        if (keepalive_) {
            co_await stop_keepalive();
        }
        const std::string frame = client_close_frame(code, reason);
        auto write_state = new_op();
        visit_ws([&](auto& ws) {
            net::async_write(ws.next_layer(), net::buffer(frame), completion(write_state));
        });
        // Our close frame is written to completion before a read starts: a read that completes
        // at once with the server's close frame makes Beast answer it, and a second write while
        // ours is in flight trips Beast's one-write-at-a-time assertion. (A read left pending by
        // an earlier receive() is safe: our write's completion is queued before any read
        // completion the scheduler finds afterwards.)
        co_await wait_until(write_state, deadline);
        if (!pending_read_ && write_state->done && !write_state->ec) {
            pending_read_ = start_read();
        }
        // The deadline is checked here too: a flooding server always has the next frame ready.
        while (pending_read_ && Clock::now() < deadline &&
               co_await wait_until(pending_read_, deadline)) {
            const auto state = std::move(pending_read_);
            pending_read_.reset();
            if (state->ec) {
                const auto server_reason = close_reason();
                if (server_reason.code != 0) {
                    closed_ = CloseInfo{static_cast<int>(server_reason.code),
                                        redacted(std::string(server_reason.reason.c_str()))};
                }
                break;
            }
            ReceivedFrame late = take_frame();
            if (drained.size() < kMaxDrainedFrames &&
                drained_bytes + late.text.size() <= kMaxDrainedBytes) {
                drained_bytes += late.text.size();
                drained.push_back(std::move(late));
            }
            pending_read_ = start_read();
        }
        if (!closed_ && server_close_) {
            closed_ = server_close_;  // its close frame woke the read before Beast's teardown
        }
        if (pending_read_) {
            co_await cancel_and_drain(pending_read_);
        }
        if (!write_state->done) {
            co_await cancel_and_drain(write_state);
        }
    } else if (pending_read_ && !pending_read_->done) {
        // The connection ended while a read was pending; it completes once the socket is shut.
        close_socket();
        co_await wait_until(pending_read_, Clock::now() + kSettleLimit);
    }
    open_ = false;
    pending_read_.reset();
    discard_stream();
    if (!closed_) {
        closed_ = CloseInfo{code, reason};
    }
    co_return drained;
}

}  // namespace goldenpath::detail
