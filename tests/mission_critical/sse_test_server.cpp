#include "sse_test_server.hpp"

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "goldenpath/agent_server_double.hpp"
#include "loopback_listener.hpp"
#include "tls_material.hpp"

namespace goldenpath::test {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using net::awaitable;
using net::use_awaitable;

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string hex(std::size_t value) {
    constexpr char digits[] = "0123456789abcdef";
    std::string out;
    do {
        out.insert(out.begin(), digits[value % 16]);
        value /= 16;
    } while (value != 0);
    return out;
}

std::string head(int status, const std::string& content_type, bool chunked, std::size_t length) {
    std::string text = "HTTP/1.1 " + std::to_string(status) + " " +
                       std::string(http::obsolete_reason(static_cast<http::status>(status))) +
                       "\r\n";
    if (!content_type.empty()) {
        text += "Content-Type: " + content_type + "\r\n";
    }
    text += chunked ? "Transfer-Encoding: chunked\r\n"
                    : "Content-Length: " + std::to_string(length) + "\r\n";
    text += "Cache-Control: no-cache\r\n\r\n";
    return text;
}

}  // namespace

std::string sse_event(const std::string& data) {
    std::string text;
    std::size_t start = 0;
    while (true) {
        const std::size_t end = data.find('\n', start);
        text += "data: " + data.substr(start, end - start) + "\n";
        if (end == std::string::npos) {
            break;
        }
        start = end + 1;
    }
    return text + "\n";
}

class SseTestServer::Impl {
  public:
    Impl(SseAnswer answer, bool tls) : answer_(std::move(answer)) {  // NOLINT: order on purpose
        if (tls) {
            tls_context_.emplace(detail::make_server_tls_context(TlsCertificate::valid, false));
        }
        net::co_spawn(listener_.context(), accept_loop(), net::detached);
        listener_.start();
    }
    ~Impl() { listener_.stop(); }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    std::string url() const {
        return std::string(tls_context_ ? "https://localhost:" : "http://127.0.0.1:") +
               std::to_string(listener_.port()) + "/agent";
    }

    std::optional<RecordedRequest> wait_for_request(Clock::time_point deadline) const {
        std::unique_lock lock(mutex_);
        cv_.wait_until(lock, deadline, [this] { return first_.has_value(); });
        return first_;
    }

  private:
    awaitable<void> accept_loop() {
        for (int accepted = 0; accepted < 100; ++accepted) {
            boost::system::error_code ec;
            tcp::socket socket =
                co_await listener_.acceptor().async_accept(net::redirect_error(use_awaitable, ec));
            if (ec) {
                co_return;
            }
            if (tls_context_) {
                net::co_spawn(listener_.context(), serve_tls(std::move(socket)), net::detached);
            } else {
                net::co_spawn(listener_.context(), serve(std::move(socket)), net::detached);
            }
        }
    }

    awaitable<void> serve_tls(tcp::socket socket) {
        net::ssl::stream<tcp::socket> stream(std::move(socket), *tls_context_);
        boost::system::error_code ec;
        co_await stream.async_handshake(net::ssl::stream_base::server,
                                        net::redirect_error(use_awaitable, ec));
        if (!ec) {
            co_await answer(stream);
        }
    }

    awaitable<void> serve(tcp::socket socket) {
        co_await answer(socket);
        boost::system::error_code ignored;
        socket.shutdown(tcp::socket::shutdown_send, ignored);
        // Until the client closes: a shutdown socket must not lose data with a reset.
        char byte = 0;
        co_await socket.async_read_some(net::buffer(&byte, 1),
                                        net::redirect_error(use_awaitable, ignored));
    }

    template <class Stream>
    awaitable<void> answer(Stream& stream) {
        boost::beast::flat_buffer buffer;
        http::request<http::string_body> request;
        boost::system::error_code ec;
        co_await http::async_read(stream, buffer, request, net::redirect_error(use_awaitable, ec));
        if (ec) {
            co_return;
        }
        const std::string authorization(request[http::field::authorization]);
        record(request);
        if (answer_.never_answer) {
            char byte = 0;
            co_await stream.async_read_some(net::buffer(&byte, 1),
                                            net::redirect_error(use_awaitable, ec));
            co_return;
        }
        if (answer_.required_token && authorization != "Bearer " + *answer_.required_token) {
            const std::string text = head(401, "text/plain", false, answer_.rejection_body.size()) +
                                     answer_.rejection_body;
            co_await net::async_write(stream, net::buffer(text),
                                      net::redirect_error(use_awaitable, ec));
            co_return;
        }
        std::size_t length = 0;
        for (const auto& piece : answer_.pieces) {
            length += piece.size();
        }
        const std::string header =
            head(answer_.status, answer_.content_type, answer_.chunked, length);
        co_await net::async_write(stream, net::buffer(header),
                                  net::redirect_error(use_awaitable, ec));
        for (const auto& piece : answer_.pieces) {
            if (ec) {
                co_return;
            }
            const std::string bytes =
                answer_.chunked ? hex(piece.size()) + "\r\n" + piece + "\r\n" : piece;
            co_await net::async_write(stream, net::buffer(bytes),
                                      net::redirect_error(use_awaitable, ec));
        }
        if (answer_.hold_open) {
            char byte = 0;
            co_await stream.async_read_some(net::buffer(&byte, 1),
                                            net::redirect_error(use_awaitable, ec));
            co_return;
        }
        if (answer_.chunked && !ec) {
            co_await net::async_write(stream, net::buffer(std::string_view("0\r\n\r\n")),
                                      net::redirect_error(use_awaitable, ec));
        }
    }

    void record(const http::request<http::string_body>& request) {
        RecordedRequest recorded;
        recorded.method = std::string(request.method_string());
        recorded.target = std::string(request.target());
        for (const auto& field : request) {
            recorded.headers[lower(std::string(field.name_string()))] = std::string(field.value());
        }
        recorded.body = request.body();
        {
            std::lock_guard lock(mutex_);
            if (!first_) {
                first_ = std::move(recorded);
            }
        }
        cv_.notify_all();
    }

    // Before the listener: the TLS streams its io_context destroys last still refer to it.
    std::optional<net::ssl::context> tls_context_;
    LoopbackListener listener_;  // its io_context outlives the rest
    SseAnswer answer_;
    mutable std::mutex mutex_;
    mutable std::condition_variable cv_;
    std::optional<RecordedRequest> first_;
};

SseTestServer::SseTestServer(SseAnswer answer, bool tls)
    : impl_(std::make_unique<Impl>(std::move(answer), tls)) {}

SseTestServer::~SseTestServer() = default;

std::string SseTestServer::url() const {
    return impl_->url();
}

std::string SseTestServer::ca_file() {
    return detail::tls_ca_file().string();
}

std::optional<RecordedRequest> SseTestServer::wait_for_request(Clock::time_point deadline) const {
    return impl_->wait_for_request(deadline);
}

}  // namespace goldenpath::test
