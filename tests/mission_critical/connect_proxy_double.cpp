#include "connect_proxy_double.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>

#include "loopback_listener.hpp"

namespace goldenpath::test {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

std::string lowercase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// The loopback endpoint named by a CONNECT target ("127.0.0.1:P" or "[::1]:P"); nullopt for any
// other host, so the double never opens a connection off this machine.
std::optional<tcp::endpoint> loopback_target(std::string_view target) {
    const std::size_t colon = target.rfind(':');
    if (colon == std::string_view::npos) {
        return std::nullopt;
    }
    std::string host(target.substr(0, colon));
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (host != "127.0.0.1" && host != "::1") {
        return std::nullopt;
    }
    const std::string port_text(target.substr(colon + 1));
    if (port_text.empty() || port_text.size() > 5 ||
        !std::all_of(port_text.begin(), port_text.end(),
                     [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    const int port = std::stoi(port_text);
    if (port < 1 || port > 65535) {
        return std::nullopt;
    }
    return tcp::endpoint(net::ip::make_address(host), static_cast<std::uint16_t>(port));
}

std::string status_response(int status) {
    const auto reason = http::obsolete_reason(static_cast<http::status>(status));
    std::string response = "HTTP/1.1 " + std::to_string(status) + " " +
                           std::string(reason.data(), reason.size()) +
                           "\r\nContent-Length: 0\r\nConnection: close\r\n";
    if (status == 407) {
        response += "Proxy-Authenticate: Basic realm=\"goldenpath-test\"\r\n";
    }
    return response + "\r\n";
}

void close_socket(tcp::socket& socket) {
    error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
}

}  // namespace

std::string ProxyRequest::header(std::string_view name) const {
    const std::string wanted = lowercase(name);
    for (const auto& [key, value] : headers) {
        if (lowercase(key) == wanted) {
            return value;
        }
    }
    return {};
}

class ConnectProxyDouble::Impl {
  public:
    explicit Impl(ProxyScript script) : script_(script) {
        accept();
        listener_.start();
    }

    ~Impl() { listener_.stop(); }

    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    std::uint16_t port() const { return listener_.port(); }

    std::size_t connections() const {
        const std::lock_guard lock(mutex_);
        return connections_;
    }

    std::vector<ProxyRequest> requests() const {
        const std::lock_guard lock(mutex_);
        return requests_;
    }

    bool wait_for_requests(std::size_t count, Clock::time_point deadline) const {
        std::unique_lock lock(mutex_);
        return changed_.wait_until(lock, deadline, [&] { return requests_.size() >= count; });
    }

  private:
    // One client connection; owned by its pending handlers (and by held_ for `never`).
    struct Session : std::enable_shared_from_this<Session> {
        explicit Session(net::io_context& ioc) : client(ioc), upstream(ioc) {}

        tcp::socket client;
        tcp::socket upstream;
        boost::beast::flat_buffer buffer;
        http::request_parser<http::empty_body> parser;
        std::string response;
        std::string early;
        std::array<char, 16384> to_upstream{};
        std::array<char, 16384> to_client{};
        int open_directions = 2;

        void close_both() {
            close_socket(client);
            close_socket(upstream);
        }

        // Copies `from` to `to` until `from` ends; its end is passed on as a half close.
        void pump(tcp::socket& from, tcp::socket& to, std::array<char, 16384>& chunk) {
            from.async_read_some(net::buffer(chunk), [self = shared_from_this(), &from, &to,
                                                      &chunk](error_code ec, std::size_t bytes) {
                if (ec == net::error::eof) {
                    error_code ignored;
                    to.shutdown(tcp::socket::shutdown_send, ignored);
                    if (--self->open_directions == 0) {
                        self->close_both();
                    }
                    return;
                }
                if (ec) {
                    self->close_both();
                    return;
                }
                net::async_write(to, net::buffer(chunk.data(), bytes),
                                 [self, &from, &to, &chunk](error_code write_ec, std::size_t) {
                                     if (write_ec) {
                                         self->close_both();
                                         return;
                                     }
                                     self->pump(from, to, chunk);
                                 });
            });
        }
    };

    void accept() {
        auto session = std::make_shared<Session>(listener_.context());
        listener_.acceptor().async_accept(session->client, [this, session](error_code ec) {
            if (ec) {
                return;  // the acceptor was closed
            }
            {
                const std::lock_guard lock(mutex_);
                ++connections_;
            }
            read_request(session);
            accept();
        });
    }

    void read_request(const std::shared_ptr<Session>& session) {
        http::async_read_header(session->client, session->buffer, session->parser,
                                [this, session](error_code ec, std::size_t) {
                                    if (ec) {
                                        close_socket(session->client);
                                        return;
                                    }
                                    record(session->parser.get());
                                    answer(session);
                                });
    }

    void record(const http::request<http::empty_body>& request) {
        ProxyRequest recorded;
        recorded.request_line =
            std::string(request.method_string()) + " " + std::string(request.target()) + " HTTP/" +
            std::to_string(request.version() / 10) + "." + std::to_string(request.version() % 10);
        for (const auto& field : request) {
            recorded.headers.emplace_back(std::string(field.name_string()),
                                          std::string(field.value()));
        }
        {
            const std::lock_guard lock(mutex_);
            requests_.push_back(std::move(recorded));
        }
        changed_.notify_all();
    }

    void answer(const std::shared_ptr<Session>& session) {
        switch (script_.answer) {
            case ProxyAnswer::never:
                held_.push_back(session);
                return;
            case ProxyAnswer::close:
                close_socket(session->client);
                return;
            case ProxyAnswer::status:
                respond_and_close(session, script_.status);
                return;
            case ProxyAnswer::tunnel:
                break;
        }
        const auto& request = session->parser.get();
        const auto target = request.method() == http::verb::connect
                                ? loopback_target(request.target())
                                : std::nullopt;
        if (!target) {
            respond_and_close(session, 403);
            return;
        }
        session->upstream.async_connect(*target, [this, session](error_code ec) {
            if (ec) {
                respond_and_close(session, 502);
                return;
            }
            open_tunnel(session);
        });
    }

    void respond_and_close(const std::shared_ptr<Session>& session, int status) {
        session->response = status_response(status);
        net::async_write(session->client, net::buffer(session->response),
                         [session](error_code, std::size_t) { close_socket(session->client); });
    }

    void open_tunnel(const std::shared_ptr<Session>& session) {
        // Small frames pass at once both ways (no Nagle delay against delayed ACKs).
        error_code ignored;
        session->client.set_option(tcp::no_delay(true), ignored);
        session->upstream.set_option(tcp::no_delay(true), ignored);
        session->response = "HTTP/1.1 200 Connection established\r\n\r\n";
        net::async_write(
            session->client, net::buffer(session->response), [session](error_code ec, std::size_t) {
                if (ec) {
                    session->close_both();
                    return;
                }
                // Bytes the client sent right behind its request head go first.
                session->early = boost::beast::buffers_to_string(session->buffer.data());
                session->buffer.consume(session->buffer.size());
                net::async_write(
                    session->upstream, net::buffer(session->early),
                    [session](error_code write_ec, std::size_t) {
                        if (write_ec) {
                            session->close_both();
                            return;
                        }
                        session->pump(session->client, session->upstream, session->to_upstream);
                        session->pump(session->upstream, session->client, session->to_client);
                    });
            });
    }

    test::LoopbackListener listener_;  // first: destroyed last, stopped first
    ProxyScript script_;
    std::vector<std::shared_ptr<Session>> held_;  // io thread only
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::size_t connections_ = 0;
    std::vector<ProxyRequest> requests_;
};

ConnectProxyDouble::ConnectProxyDouble(ProxyScript script)
    : impl_(std::make_unique<Impl>(script)) {}

ConnectProxyDouble::~ConnectProxyDouble() = default;

std::uint16_t ConnectProxyDouble::port() const {
    return impl_->port();
}

std::string ConnectProxyDouble::url() const {
    return "http://127.0.0.1:" + std::to_string(impl_->port());
}

std::size_t ConnectProxyDouble::connections() const {
    return impl_->connections();
}

std::vector<ProxyRequest> ConnectProxyDouble::requests() const {
    return impl_->requests();
}

bool ConnectProxyDouble::wait_for_requests(std::size_t count, Clock::time_point deadline) const {
    return impl_->wait_for_requests(count, deadline);
}

}  // namespace goldenpath::test
