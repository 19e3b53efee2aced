// The only translation unit with client-side Boost.Beast (DESIGN.md §6). Every blocking call runs
// the instance's own io_context until the operation's handler ran or the deadline passed; on a
// deadline the socket is cancelled and the io_context drained, so no handler outlives its state.
#include "goldenpath/beast_client.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include "goldenpath/secret.hpp"

namespace goldenpath {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using error_code = beast::error_code;

constexpr std::size_t kReadMessageMax = 16U * 1024U * 1024U;
constexpr std::size_t kBodyExcerpt = 200;
constexpr Milliseconds kWriteTimeout{5000};
constexpr Milliseconds kDestructorCloseTimeout{200};
constexpr std::chrono::seconds kDrainLimit{2};
constexpr const char* kUserAgent = "goldenpath/0.1";

// Completion state of one asynchronous operation. Shared with its handler.
struct OpState {
    bool done = false;
    error_code ec;
    std::size_t bytes = 0;
};

bool is_connection_loss(const error_code& ec) {
    return ec == net::error::eof || ec == http::error::end_of_stream ||
           ec == http::error::partial_message || ec == net::error::connection_reset ||
           ec == net::error::connection_aborted || ec == net::error::broken_pipe ||
           ec == beast::websocket::error::closed;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) {
            out += separator;
        }
        out += item;
    }
    return out;
}

// A masked client close frame (RFC 6455 §5.5.1): code, then up to 123 bytes of reason.
std::string client_close_frame(int code, std::string_view reason) {
    reason = reason.substr(0, 123);
    std::string payload;
    payload.push_back(static_cast<char>((code >> 8) & 0xff));
    payload.push_back(static_cast<char>(code & 0xff));
    payload.append(reason);
    std::random_device random;
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

}  // namespace

class BeastClient::Impl {
  public:
    explicit Impl(std::shared_ptr<HostResolver> resolver)
        : resolver_(resolver ? std::move(resolver) : system_resolver()) {}

    ~Impl() {
        try {
            close(1001, "going away", Clock::now() + kDestructorCloseTimeout);
        } catch (...) {  // NOLINT(bugprone-empty-catch): a destructor never throws
        }
    }

    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    std::optional<Failure> connect(const ConnectRequest& request);
    std::optional<Failure> send_text(std::string_view text);
    ReceiveResult receive(Clock::time_point deadline);
    std::vector<ReceivedFrame> close(int code, std::string_view reason, Clock::time_point deadline);
    std::string selected_subprotocol() const { return subprotocol_; }

  private:
    using Stream = websocket::stream<beast::tcp_stream>;

    // Runs handlers until `state` is done or `deadline` passed; true when done. Handlers that are
    // already ready run even when the deadline has passed.
    bool run_until(const OpState& state, Clock::time_point deadline) {
        ioc_.restart();
        while (!state.done && ioc_.poll_one() > 0) {
        }
        while (!state.done) {
            if (ioc_.run_one_until(deadline) == 0) {
                if (ioc_.stopped() || Clock::now() >= deadline) {
                    break;
                }
            }
        }
        return state.done;
    }

    // After a deadline: cancel the socket's operations and run until `state`'s handler ran.
    void cancel_and_drain(const OpState& state) {
        if (ws_) {
            error_code ignored;
            beast::get_lowest_layer(*ws_).socket().cancel(ignored);
        }
        const auto limit = Clock::now() + kDrainLimit;
        ioc_.restart();
        while (!state.done && Clock::now() < limit) {
            if (ioc_.run_one_until(limit) == 0 && ioc_.stopped()) {
                break;
            }
        }
        if (!state.done) {
            close_socket();
        }
    }

    void close_socket() {
        if (!ws_) {
            return;
        }
        error_code ignored;
        auto& socket = beast::get_lowest_layer(*ws_).socket();
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
        // Let aborted operations finish so nothing refers to the stream afterwards.
        ioc_.restart();
        ioc_.run_for(std::chrono::milliseconds(100));
    }

    std::shared_ptr<OpState> start_read() {
        auto state = std::make_shared<OpState>();
        ws_->async_read(buffer_, [state](error_code ec, std::size_t bytes) {
            state->done = true;
            state->ec = ec;
            state->bytes = bytes;
        });
        return state;
    }

    Failure make_failure(FailureKind kind, Phase phase, std::string detail) const {
        Failure failure;
        failure.kind = kind;
        failure.phase = phase;
        failure.url = url_;
        failure.detail = std::move(detail);
        return failure;
    }

    Failure finish(Failure failure, Clock::time_point started) const;
    std::optional<Failure> tcp_connect(const std::vector<tcp::endpoint>& endpoints,
                                       Clock::time_point deadline);
    std::optional<Failure> handshake(const ConnectRequest& request, Clock::time_point deadline);
    std::string redacted(std::string text) const {
        for (const auto& secret : secrets_) {
            if (!secret.empty()) {
                text = redact(std::move(text), secret);
            }
        }
        return text;
    }

    std::shared_ptr<HostResolver> resolver_;
    net::io_context ioc_;
    std::optional<Stream> ws_;
    beast::flat_buffer buffer_;
    // A read that outlived its receive() deadline; the next receive() continues it.
    std::shared_ptr<OpState> pending_read_;
    bool open_ = false;
    std::optional<CloseInfo> closed_;  // set once the connection ended
    std::string subprotocol_;
    std::string url_;
    std::vector<std::string> secrets_;
};

Failure BeastClient::Impl::finish(Failure failure, Clock::time_point started) const {
    const double elapsed = elapsed_ms(started, Clock::now());
    switch (failure.kind) {
        case FailureKind::refused:
        case FailureKind::timeout:
        case FailureKind::dns:
        case FailureKind::closed:
            failure.retryable = true;
            break;
        case FailureKind::http_status:
            failure.retryable = failure.http_status >= 500;
            break;
        default:
            failure.retryable = false;
            break;
    }
    if (failure.kind == FailureKind::timeout) {
        failure.waited_ms = elapsed;
    }
    failure.url = redacted(failure.url);
    failure.detail = redacted(failure.detail);
    failure.body_excerpt = redacted(failure.body_excerpt);
    failure.close_reason = redacted(failure.close_reason);
    Attempt attempt;
    attempt.url = failure.url;
    attempt.kind_label = redacted(failure.kind_label());
    attempt.detail = failure.detail;
    attempt.elapsed_ms = elapsed;
    failure.attempts.push_back(std::move(attempt));
    return failure;
}

std::optional<Failure> BeastClient::Impl::connect(const ConnectRequest& request) {
    close(1000, "reconnect", Clock::now() + kDestructorCloseTimeout);
    const auto started = Clock::now();
    secrets_ = request.secrets;
    url_ = request.url.to_string();
    subprotocol_.clear();
    closed_.reset();
    pending_read_.reset();
    buffer_.clear();

    if (request.url.tls()) {
        Failure failure = make_failure(FailureKind::tls, Phase::tls,
                                       "wss:// is not supported by this build of BeastClient");
        failure.tls_reason = "unsupported";
        return finish(std::move(failure), started);
    }

    // Addresses: IP literals go straight to connect; names go through the injected resolver.
    std::vector<std::string> addresses;
    error_code literal_ec;
    net::ip::make_address(request.url.host, literal_ec);
    if (!literal_ec) {
        addresses.push_back(request.url.host);
    } else {
        auto resolved = resolver_->resolve(request.url.host);
        if (auto* error = std::get_if<ResolveError>(&resolved)) {
            return finish(make_failure(FailureKind::dns, Phase::connect, error->message), started);
        }
        addresses = std::get<std::vector<std::string>>(std::move(resolved));
    }
    std::vector<tcp::endpoint> endpoints;
    for (const auto& address : addresses) {
        error_code ec;
        const auto parsed = net::ip::make_address(address, ec);
        if (!ec) {
            endpoints.emplace_back(parsed, request.url.port);
        }
    }
    if (endpoints.empty()) {
        return finish(make_failure(FailureKind::dns, Phase::connect,
                                   "resolver returned no usable address for '" + request.url.host +
                                       "': " + join(addresses, ", ")),
                      started);
    }

    ws_.emplace(ioc_);
    if (auto failure = tcp_connect(endpoints, started + request.timeouts.connect)) {
        close_socket();
        ws_.reset();
        return finish(std::move(*failure), started);
    }
    if (auto failure = handshake(request, Clock::now() + request.timeouts.upgrade)) {
        close_socket();
        ws_.reset();
        return finish(std::move(*failure), started);
    }
    ws_->read_message_max(kReadMessageMax);
    open_ = true;
    return std::nullopt;
}

std::optional<Failure> BeastClient::Impl::tcp_connect(const std::vector<tcp::endpoint>& endpoints,
                                                      Clock::time_point deadline) {
    auto state = std::make_shared<OpState>();
    beast::get_lowest_layer(*ws_).async_connect(endpoints,
                                                [state](error_code ec, const tcp::endpoint&) {
                                                    state->done = true;
                                                    state->ec = ec;
                                                });
    if (!run_until(*state, deadline)) {
        cancel_and_drain(*state);
        return make_failure(FailureKind::timeout, Phase::connect,
                            "TCP connect did not complete before the connect deadline");
    }
    if (!state->ec) {
        // Small frames go out at once (no Nagle delay against delayed ACKs).
        error_code ignored;
        beast::get_lowest_layer(*ws_).socket().set_option(tcp::no_delay(true), ignored);
        return std::nullopt;
    }
    if (state->ec == net::error::timed_out) {
        return make_failure(FailureKind::timeout, Phase::connect, state->ec.message());
    }
    // Refused, unreachable and the like: nothing accepted the connection.
    return make_failure(FailureKind::refused, Phase::connect, state->ec.message());
}

std::optional<Failure> BeastClient::Impl::handshake(const ConnectRequest& request,
                                                    Clock::time_point deadline) {
    const auto headers = request.headers;
    const std::string offer = join(request.subprotocols, ", ");
    ws_->set_option(
        websocket::stream_base::decorator([headers, offer](websocket::request_type& req) {
            req.set(http::field::user_agent, kUserAgent);
            if (!offer.empty()) {
                req.set(http::field::sec_websocket_protocol, offer);
            }
            for (const auto& [name, value] : headers) {
                req.set(name, value);
            }
        }));
    std::string host = request.url.host_for_header();
    const bool default_port = request.url.port == (request.url.tls() ? 443 : 80);
    if (!default_port) {
        host += ":" + std::to_string(request.url.port);
    }
    const std::string target = request.url.target();

    websocket::response_type response;
    auto state = std::make_shared<OpState>();
    ws_->async_handshake(response, host, target, [state](error_code ec) {
        state->done = true;
        state->ec = ec;
    });
    if (!run_until(*state, deadline)) {
        cancel_and_drain(*state);
        return make_failure(FailureKind::timeout, Phase::upgrade,
                            "WebSocket upgrade did not complete before the upgrade deadline");
    }
    const error_code ec = state->ec;
    if (!ec) {
        subprotocol_ = std::string(response[http::field::sec_websocket_protocol]);
        return std::nullopt;
    }
    const int status = static_cast<int>(response.result_int());
    // Only a declined upgrade means a complete HTTP response with a meaningful status arrived.
    if (ec == websocket::error::upgrade_declined && status != 101) {
        const bool auth = status == 401 || status == 403;
        Failure failure = make_failure(auth ? FailureKind::auth_rejected : FailureKind::http_status,
                                       Phase::upgrade,
                                       "upgrade answered with HTTP " + std::to_string(status) +
                                           " " + std::string(response.reason()));
        failure.http_status = status;
        failure.body_excerpt = response.body().substr(0, kBodyExcerpt);
        return failure;
    }
    Failure failure =
        make_failure(FailureKind::closed, Phase::upgrade,
                     is_connection_loss(ec) ? "connection lost during the upgrade: " + ec.message()
                                            : "invalid upgrade response: " + ec.message());
    failure.close_code = 1006;
    failure.close_reason = ec.message();
    return failure;
}

std::optional<Failure> BeastClient::Impl::send_text(std::string_view text) {
    if (!open_ || !ws_ || !ws_->is_open()) {
        Failure failure = make_failure(FailureKind::closed, Phase::completion,
                                       "cannot send: the connection is not open");
        failure.close_code = closed_ ? closed_->code : 1006;
        failure.close_reason = closed_ ? closed_->reason : "not connected";
        failure.detail = redacted(failure.detail);
        return failure;
    }
    ws_->text(true);
    auto state = std::make_shared<OpState>();
    const std::string payload(text);
    ws_->async_write(net::buffer(payload), [state](error_code ec, std::size_t bytes) {
        state->done = true;
        state->ec = ec;
        state->bytes = bytes;
    });
    if (!run_until(*state, Clock::now() + kWriteTimeout)) {
        cancel_and_drain(*state);
        state->ec = net::error::timed_out;
    }
    if (!state->ec) {
        return std::nullopt;
    }
    open_ = false;
    closed_ = CloseInfo{1006, state->ec.message()};
    Failure failure = make_failure(FailureKind::closed, Phase::completion,
                                   "write failed: " + state->ec.message());
    failure.close_code = 1006;
    failure.close_reason = state->ec.message();
    failure.detail = redacted(failure.detail);
    return failure;
}

ReceiveResult BeastClient::Impl::receive(Clock::time_point deadline) {
    ReceiveResult result;
    if (closed_ || !ws_ || (!pending_read_ && !ws_->is_open())) {
        result.status = ReceiveResult::Status::closed;
        result.close = closed_ ? *closed_ : CloseInfo{1006, "not connected"};
        return result;
    }
    if (!pending_read_) {
        pending_read_ = start_read();
    }
    if (!run_until(*pending_read_, deadline)) {
        // The read stays pending; the next receive() continues it, so no frame is lost.
        result.status = ReceiveResult::Status::timeout;
        return result;
    }
    const auto state = std::move(pending_read_);
    pending_read_.reset();
    if (!state->ec) {
        result.status = ReceiveResult::Status::frame;
        result.frame.text = beast::buffers_to_string(buffer_.data());
        result.frame.binary = !ws_->got_text();
        result.frame.arrival = Clock::now();
        buffer_.consume(buffer_.size());
        return result;
    }
    // A close frame may have arrived even when the reply could not be written (the server
    // already dropped the TCP connection): report the server's code then, not 1006.
    if (state->ec == websocket::error::closed || ws_->reason().code != 0) {
        const auto& reason = ws_->reason();
        closed_ = CloseInfo{reason.code == 0 ? 1005 : static_cast<int>(reason.code),
                            redacted(std::string(reason.reason.c_str()))};
    } else {
        closed_ = CloseInfo{1006, redacted(state->ec.message())};
    }
    open_ = false;
    result.status = ReceiveResult::Status::closed;
    result.close = *closed_;
    return result;
}

std::vector<ReceivedFrame> BeastClient::Impl::close(int code, std::string_view reason,
                                                    Clock::time_point deadline) {
    std::vector<ReceivedFrame> drained;
    if (!ws_) {
        return drained;
    }
    if (ws_->is_open() && !closed_) {
        // Beast's async_close would read and discard the data frames that are still on their way
        // (the server sent them before it saw our close). So the close frame is written on the
        // TCP layer while our own read loop stays active: it returns every data frame, and ends
        // with websocket::error::closed when the server's close frame arrives (Beast then answers
        // it and tears the connection down).
        if (!pending_read_) {
            pending_read_ = start_read();
        }
        auto frame = std::make_shared<std::string>(client_close_frame(code, reason));
        auto write_state = std::make_shared<OpState>();
        net::async_write(beast::get_lowest_layer(*ws_), net::buffer(*frame),
                         [write_state, frame](error_code ec, std::size_t bytes) {
                             write_state->done = true;
                             write_state->ec = ec;
                             write_state->bytes = bytes;
                         });
        while (pending_read_ && run_until(*pending_read_, deadline)) {
            const auto state = std::move(pending_read_);
            pending_read_.reset();
            if (state->ec) {
                if (ws_->reason().code != 0) {
                    closed_ = CloseInfo{static_cast<int>(ws_->reason().code),
                                        redacted(std::string(ws_->reason().reason.c_str()))};
                }
                break;
            }
            ReceivedFrame received;
            received.text = beast::buffers_to_string(buffer_.data());
            received.binary = !ws_->got_text();
            received.arrival = Clock::now();
            buffer_.consume(buffer_.size());
            drained.push_back(std::move(received));
            pending_read_ = start_read();
        }
        if (pending_read_) {
            cancel_and_drain(*pending_read_);
        }
        if (!write_state->done) {
            cancel_and_drain(*write_state);
        }
    }
    open_ = false;
    pending_read_.reset();
    close_socket();
    ws_.reset();
    if (!closed_) {
        closed_ = CloseInfo{code, std::string(reason)};
    }
    return drained;
}

BeastClient::BeastClient(std::shared_ptr<HostResolver> resolver)
    : impl_(std::make_unique<Impl>(std::move(resolver))) {}

BeastClient::~BeastClient() = default;

std::optional<Failure> BeastClient::connect(const ConnectRequest& request) {
    return impl_->connect(request);
}

std::optional<Failure> BeastClient::send_text(std::string_view text) {
    return impl_->send_text(text);
}

ReceiveResult BeastClient::receive(Clock::time_point deadline) {
    return impl_->receive(deadline);
}

std::vector<ReceivedFrame> BeastClient::close(int code, std::string_view reason,
                                              Clock::time_point deadline) {
    return impl_->close(code, reason, deadline);
}

std::string BeastClient::selected_subprotocol() const {
    return impl_->selected_subprotocol();
}

}  // namespace goldenpath
