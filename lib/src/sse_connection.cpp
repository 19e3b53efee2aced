// An open SseConnection: the POST of the start message, the answer's header, and the events of
// its text/event-stream body.
#include <algorithm>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "client_user_agent.hpp"
#include "goldenpath/redactor.hpp"
#include "openssl_errors.hpp"
#include "operation_wait.hpp"
#include "read_failure_mapping.hpp"
#include "sse_connection.hpp"
#include "text_helpers.hpp"

namespace goldenpath::detail {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using error_code = beast::error_code;
using net::awaitable;
using net::use_awaitable;

constexpr std::size_t kBodyExcerpt = 200;
// An error answer's body is read this far for its excerpt, no further.
constexpr std::size_t kErrorBodyBytes = 4096;
// An error answer's body may come just after its header: at least this long is given to it.
constexpr Milliseconds kErrorBodyGrace{100};
// close() reads what the server already sent (late events) for at most this long.
constexpr Milliseconds kDrainLimit{100};
constexpr Milliseconds kSettleLimit{200};
constexpr std::size_t kMaxDrainedFrames = 100;
constexpr std::size_t kMaxDrainedBytes = 1024U * 1024U;

// "text/event-stream; charset=utf-8" is an event stream; the media type is case-insensitive.
bool is_event_stream(std::string_view content_type) {
    const std::string_view media_type = trim(content_type.substr(0, content_type.find(';')));
    return lower_ascii(media_type) == "text/event-stream";
}

}  // namespace

awaitable<bool> SseConnection::wait_until(std::shared_ptr<ReadState> state,
                                          Clock::time_point deadline) {
    return wait_until_done(std::move(state), deadline);
}

awaitable<std::optional<Failure>> SseConnection::send_text(std::string text) {
    const auto started = Clock::now();
    if (!open_ || !stream_) {
        Failure failure = make_failure(FailureKind::closed, Phase::completion,
                                       streaming_ ? "cannot send: the start message was already "
                                                    "POSTed on this connection (one run each)"
                                                  : "cannot send: the connection is not open");
        failure.close_code = closed_ ? closed_->code : 1006;
        failure.close_reason = closed_ ? closed_->reason : "not connected";
        co_return finish(std::move(failure), started, false);
    }
    open_ = false;
    const auto deadline = Clock::now() + request_->timeouts.upgrade;
    auto failure = co_await post(std::move(text), deadline);
    if (!failure) {
        failure = co_await check_response(deadline);
    }
    if (failure) {
        closed_ = CloseInfo{1006, failure->kind_label()};
        close_socket();
        Failure finished = finish(std::move(*failure), started, false);
        // Before the answer's header the POST is where a WebSocket upgrade would be, and is retried
        // like one when that cannot run the agent twice: on a 5xx, or when the POST was not
        // written. A connection lost or silent after the POST was written is not retried.
        finished.retryable =
            finished.retryable && (finished.kind == FailureKind::http_status || !posted_);
        co_return finished;
    }
    streaming_ = true;
    co_return std::nullopt;
}

// Writes the POST and reads the answer's header, both within `deadline` (the stream's expiry).
awaitable<std::optional<Failure>> SseConnection::post(std::string body,
                                                      Clock::time_point deadline) {
    const Url& url = request_->url;
    std::string host = url.host_for_header();
    if (url.port != (url.tls() ? 443 : 80)) {
        host += ":" + std::to_string(url.port);
    }
    http::request<http::string_body> request{http::verb::post, url.target(), 11};
    request.set(http::field::host, host);
    request.set(http::field::user_agent, client_user_agent());
    request.set(http::field::content_type, "application/json");
    request.set(http::field::accept, "text/event-stream");
    request.set(http::field::cache_control, "no-cache");
    for (const auto& [name, value] : request_->headers) {
        request.set(name, value);
    }
    request.body() = std::move(body);
    request.prepare_payload();

    parser_.emplace();
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    tcp_stream().expires_at(deadline);
    error_code ec;
    bool wrote = false;
    if (auto* tls = std::get_if<TlsStream>(&*stream_)) {
        co_await http::async_write(*tls, request, net::redirect_error(use_awaitable, ec));
        wrote = !ec;
        posted_ = wrote;
        if (wrote) {
            co_await http::async_read_header(*tls, buffer_, *parser_,
                                             net::redirect_error(use_awaitable, ec));
        }
    } else {
        auto& plain = std::get<PlainStream>(*stream_);
        co_await http::async_write(plain, request, net::redirect_error(use_awaitable, ec));
        wrote = !ec;
        posted_ = wrote;
        if (wrote) {
            co_await http::async_read_header(plain, buffer_, *parser_,
                                             net::redirect_error(use_awaitable, ec));
        }
    }
    tcp_stream().expires_never();
    if (!ec) {
        co_return std::nullopt;
    }
    if (ec == beast::error::timeout) {
        co_return make_failure(FailureKind::timeout, Phase::upgrade,
                               wrote ? "the response headers did not arrive before the upgrade "
                                       "deadline"
                                     : "the POST was not written before the upgrade deadline");
    }
    if (request_->url.tls() && !client_certificate_reason(ec, sent_client_certificate_).empty()) {
        const auto problem = tls_handshake_problem(std::get<TlsStream>(*stream_).native_handle(),
                                                   ec, verifying_, sent_client_certificate_);
        Failure failure = make_failure(FailureKind::tls, Phase::tls, problem.detail);
        failure.tls_reason = problem.reason;
        co_return failure;
    }
    std::string detail = !wrote                   ? "write failed: " + ec.message()
                         : is_connection_loss(ec) ? "connection lost before the response "
                                                    "headers: " +
                                                        ec.message()
                                                  : "invalid HTTP response: " + ec.message();
    Failure failure = make_failure(FailureKind::closed, Phase::upgrade, std::move(detail));
    failure.close_code = 1006;
    failure.close_reason = ec.message();
    co_return failure;
}

// A 2xx text/event-stream answer starts the stream; anything else is the Failure it means.
awaitable<std::optional<Failure>> SseConnection::check_response(Clock::time_point deadline) {
    const auto& response = parser_->get();
    const int status = static_cast<int>(response.result_int());
    if (status < 200 || status > 299) {
        // 401 and 403 are auth_rejected, as a refused WebSocket upgrade is.
        const bool auth = status == 401 || status == 403;
        std::string reason(response.reason());
        Failure failure = make_failure(auth ? FailureKind::auth_rejected : FailureKind::http_status,
                                       Phase::upgrade,
                                       "POST answered with HTTP " + std::to_string(status) +
                                           (reason.empty() ? "" : " " + reason));
        failure.http_status = status;
        const std::string body = co_await read_error_body(deadline);
        // Redacted before it is cut: a secret across the cut would otherwise survive in part.
        failure.body_excerpt = Redactor(request_->secrets).excerpt(body, kBodyExcerpt);
        co_return failure;
    }
    const std::string content_type(response[http::field::content_type]);
    if (!is_event_stream(content_type)) {
        Failure failure = make_failure(
            FailureKind::malformed_frame, Phase::upgrade,
            "the answer's Content-Type must be text/event-stream, but is " +
                (content_type.empty()
                     ? std::string("absent")
                     : "'" + Redactor(request_->secrets).excerpt(content_type, kBodyExcerpt) +
                           "'"));
        failure.http_status = status;
        const std::string body = co_await read_error_body(deadline);
        failure.excerpt = Redactor(request_->secrets).excerpt(body, kBodyExcerpt);
        co_return failure;
    }
    const std::size_t bound = request_->max_message_bytes == 0
                                  ? std::numeric_limits<std::size_t>::max()
                                  : request_->max_message_bytes;
    events_parser_.emplace(bound);
    if (parser_->is_done()) {
        closed_ = CloseInfo{1006, "the event stream ended: the answer has no body"};
    }
    co_return std::nullopt;
}

awaitable<std::string> SseConnection::read_error_body(Clock::time_point deadline) {
    std::string body;
    tcp_stream().expires_at(std::max(deadline, Clock::now() + kErrorBodyGrace));
    while (!parser_->is_done() && body.size() < kErrorBodyBytes) {
        parser_->get().body().data = chunk_.data();
        parser_->get().body().size = chunk_.size();
        error_code ec;
        if (auto* tls = std::get_if<TlsStream>(&*stream_)) {
            co_await http::async_read_some(*tls, buffer_, *parser_,
                                           net::redirect_error(use_awaitable, ec));
        } else {
            co_await http::async_read_some(std::get<PlainStream>(*stream_), buffer_, *parser_,
                                           net::redirect_error(use_awaitable, ec));
        }
        body.append(chunk_.data(), chunk_.size() - parser_->get().body().size);
        if (ec && ec != http::error::need_buffer) {
            break;
        }
    }
    tcp_stream().expires_never();
    co_return body;
}

std::shared_ptr<SseConnection::ReadState> SseConnection::start_read() {
    auto state = std::make_shared<ReadState>(executor_);
    parser_->get().body().data = chunk_.data();
    parser_->get().body().size = chunk_.size();
    std::visit(
        [&](auto& stream) {
            http::async_read_some(
                stream, buffer_, *parser_,
                [state, keep_alive = shared_from_this()](error_code ec, std::size_t) {
                    state->done = true;
                    state->ec = ec;
                    state->wake.cancel();
                });
        },
        *stream_);
    return state;
}

std::optional<Failure> SseConnection::take_read(const ReadState& state) {
    const std::size_t got = chunk_.size() - parser_->get().body().size;
    if (auto error = events_parser_->feed(std::string_view(chunk_.data(), got), parsed_)) {
        Failure failure = make_failure(FailureKind::malformed_frame, Phase::completion,
                                       "invalid event stream: " + error->detail);
        failure.frame_index = error->event_index;
        failure.close_code = 1009;
        failure.close_reason = "event too large";
        closed_ = CloseInfo{failure.close_code, failure.close_reason};
        parsed_.clear();
        close_socket();
        return failure;
    }
    for (auto& event : parsed_) {
        ReceivedFrame frame;
        frame.text = std::move(event.data);
        frame.arrival = Clock::now();
        ready_.push_back(std::move(frame));
    }
    parsed_.clear();
    if (parser_->is_done()) {
        closed_ = CloseInfo{1006, events_parser_->inside_event()
                                      ? "the event stream ended inside an event (discarded)"
                                      : "the event stream ended"};
    } else if (state.ec && state.ec != http::error::need_buffer) {
        closed_ = CloseInfo{1006, redacted("the event stream broke off: " + state.ec.message())};
        close_socket();
    }
    return std::nullopt;
}

ReceivedFrame SseConnection::next_frame() {
    ReceivedFrame frame = std::move(ready_.front());
    ready_.pop_front();
    ++frames_delivered_;
    return frame;
}

awaitable<std::unique_ptr<ReceiveResult>> SseConnection::receive(Clock::time_point deadline) {
    auto result = std::make_unique<ReceiveResult>();
    if (!ready_.empty()) {
        result->status = ReceiveResult::Status::frame;
        result->frame = next_frame();
        co_return result;
    }
    if (!streaming_ && open_ && !closed_) {
        // Nothing arrives before the start message: the events are the answer to its POST.
        result->status = ReceiveResult::Status::error;
        result->failure = make_failure(
            FailureKind::protocol_violation, Phase::ready,
            "over http:// and https:// the events are the answer to the POSTed start message, "
            "so nothing can arrive before it: the protocol profile must not wait for a ready "
            "event (wait_for_ready false)");
        result->failure.rule = "ready_before_start_message";
        result->failure.url = redacted(result->failure.url);
        co_return result;
    }
    while (!closed_ && streaming_) {
        if (Clock::now() >= deadline && !(pending_read_ && pending_read_->done)) {
            result->status = ReceiveResult::Status::timeout;
            co_return result;
        }
        if (!pending_read_) {
            pending_read_ = start_read();
        }
        if (!co_await wait_until(pending_read_, deadline)) {
            // The read stays pending; the next receive() continues it, so no event is lost.
            result->status = ReceiveResult::Status::timeout;
            co_return result;
        }
        const auto state = std::move(pending_read_);
        pending_read_.reset();
        if (auto failure = take_read(*state)) {
            failure->url = redacted(failure->url);
            failure->detail = redacted(failure->detail);
            result->status = ReceiveResult::Status::error;
            result->failure = std::move(*failure);
            co_return result;
        }
        if (!ready_.empty()) {
            result->status = ReceiveResult::Status::frame;
            result->frame = next_frame();
            co_return result;
        }
    }
    result->status = ReceiveResult::Status::closed;
    result->close = closed_ ? *closed_ : CloseInfo{1006, "not connected"};
    co_return result;
}

awaitable<std::vector<ReceivedFrame>> SseConnection::close(Clock::time_point deadline) {
    std::vector<ReceivedFrame> drained;
    std::size_t drained_bytes = 0;
    const auto keep = [&](ReceivedFrame frame) {
        if (drained.size() < kMaxDrainedFrames &&
            drained_bytes + frame.text.size() <= kMaxDrainedBytes) {
            drained_bytes += frame.text.size();
            drained.push_back(std::move(frame));
        }
    };
    const auto drain_deadline = std::min(deadline, Clock::now() + kDrainLimit);
    while (streaming_ && !closed_ && Clock::now() < drain_deadline) {
        if (!pending_read_) {
            pending_read_ = start_read();
        }
        if (!co_await wait_until(pending_read_, drain_deadline)) {
            break;
        }
        const auto state = std::move(pending_read_);
        pending_read_.reset();
        if (take_read(*state)) {
            break;
        }
        while (!ready_.empty()) {
            keep(next_frame());
        }
    }
    while (!ready_.empty()) {
        keep(next_frame());
    }
    close_socket();
    if (pending_read_) {
        co_await wait_until(pending_read_, Clock::now() + kSettleLimit);
        pending_read_.reset();
    }
    open_ = false;
    streaming_ = false;
    if (!closed_) {
        closed_ = CloseInfo{1000, "closed by the client"};
    }
    co_return drained;
}

}  // namespace goldenpath::detail
