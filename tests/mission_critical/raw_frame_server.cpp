#include "raw_frame_server.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket/detail/hybi13.hpp>
#include <boost/beast/zlib/deflate_stream.hpp>

#include "loopback_listener.hpp"

namespace goldenpath::test {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;

std::string lowercase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// The value of header `name` in an HTTP head, empty when absent.
std::string header_value(std::string_view head, std::string_view name) {
    const std::string lower_head = lowercase(head);
    const std::string needle = "\r\n" + lowercase(name) + ":";
    const auto at = lower_head.find(needle);
    if (at == std::string::npos) {
        return {};
    }
    auto begin = at + needle.size();
    const auto end = head.find("\r\n", begin);
    while (begin < end && head[begin] == ' ') {
        ++begin;
    }
    return std::string(head.substr(begin, end - begin));
}

std::string upgrade_response(std::string_view request, bool deflate) {
    const std::string key = header_value(request, "Sec-WebSocket-Key");
    boost::beast::websocket::detail::sec_ws_accept_type accept;
    boost::beast::websocket::detail::make_sec_ws_accept(accept, key);
    std::string response =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: " +
        std::string(accept.data(), accept.size()) + "\r\n";
    if (deflate) {
        response +=
            "Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover; "
            "client_no_context_takeover\r\n";
    }
    return response + "\r\n";
}

// A client frame parsed off the front of `buffer`: its opcode and unmasked payload; nullopt
// while the frame is incomplete.
struct ClientFrame {
    Opcode opcode;
    std::string payload;
};

std::optional<ClientFrame> take_client_frame(std::string& buffer) {
    if (buffer.size() < 2) {
        return std::nullopt;
    }
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(buffer[i]); };
    std::size_t header = 2;
    std::uint64_t length = byte(1) & 0x7fU;
    if (length == 126 || length == 127) {
        const std::size_t extended = length == 126 ? 2 : 8;
        if (buffer.size() < header + extended) {
            return std::nullopt;
        }
        length = 0;
        for (std::size_t i = 0; i < extended; ++i) {
            length = (length << 8U) | byte(header + i);
        }
        header += extended;
    }
    const bool masked = (byte(1) & 0x80U) != 0;
    const std::size_t mask_at = header;
    if (masked) {
        header += 4;
    }
    if (buffer.size() < header + length) {
        return std::nullopt;
    }
    ClientFrame frame{static_cast<Opcode>(byte(0) & 0x0fU),
                      buffer.substr(header, static_cast<std::size_t>(length))};
    if (masked) {
        for (std::size_t i = 0; i < frame.payload.size(); ++i) {
            frame.payload[i] = static_cast<char>(static_cast<unsigned char>(frame.payload[i]) ^
                                                 byte(mask_at + i % 4));
        }
    }
    buffer.erase(0, header + static_cast<std::size_t>(length));
    return frame;
}

}  // namespace

std::string RawFrame::bytes() const {
    std::string out;
    unsigned first = static_cast<unsigned>(opcode);
    first |= fin ? 0x80U : 0U;
    first |= rsv1 ? 0x40U : 0U;
    first |= rsv2 ? 0x20U : 0U;
    first |= rsv3 ? 0x10U : 0U;
    out.push_back(static_cast<char>(first));
    const std::uint64_t length = declared_length.value_or(payload.size());
    const unsigned mask_bit = mask ? 0x80U : 0U;
    if (length < 126) {
        out.push_back(static_cast<char>(mask_bit | static_cast<unsigned>(length)));
    } else if (length <= 0xffff) {
        out.push_back(static_cast<char>(mask_bit | 126U));
        out.push_back(static_cast<char>((length >> 8U) & 0xffU));
        out.push_back(static_cast<char>(length & 0xffU));
    } else {
        out.push_back(static_cast<char>(mask_bit | 127U));
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.push_back(static_cast<char>((length >> static_cast<unsigned>(shift)) & 0xffU));
        }
    }
    if (mask) {
        out.append(reinterpret_cast<const char*>(mask->data()), mask->size());
        for (std::size_t i = 0; i < payload.size(); ++i) {
            out.push_back(
                static_cast<char>(static_cast<unsigned char>(payload[i]) ^ (*mask)[i % 4]));
        }
    } else {
        out += payload;
    }
    return out;
}

RawFrame text_frame(std::string payload) {
    RawFrame frame;
    frame.payload = std::move(payload);
    return frame;
}

RawFrame close_frame(int code, std::string_view reason) {
    RawFrame frame;
    frame.opcode = Opcode::close;
    frame.payload.push_back(static_cast<char>((code >> 8) & 0xff));
    frame.payload.push_back(static_cast<char>(code & 0xff));
    frame.payload.append(reason);
    return frame;
}

RawFrame deflated_text_frame(std::string_view text) {
    namespace zlib = boost::beast::zlib;
    zlib::deflate_stream deflater;
    deflater.reset(6, 15, 8, zlib::Strategy::normal);
    std::string out(text.size() + 64, '\0');
    zlib::z_params params;
    params.next_in = text.data();
    params.avail_in = text.size();
    params.next_out = out.data();
    params.avail_out = out.size();
    error_code ec;
    deflater.write(params, zlib::Flush::sync, ec);
    if (ec || params.avail_in != 0) {
        throw std::runtime_error("deflated_text_frame: cannot compress: " + ec.message());
    }
    out.resize(params.total_out);
    if (out.size() >= 4 && out.compare(out.size() - 4, 4, std::string("\0\0\xff\xff", 4)) == 0) {
        out.resize(out.size() - 4);
    }
    RawFrame frame;
    frame.rsv1 = true;
    frame.payload = std::move(out);
    return frame;
}

std::string wire(const std::vector<RawFrame>& frames) {
    std::string out;
    for (const auto& frame : frames) {
        out += frame.bytes();
    }
    return out;
}

class RawFrameServer::Impl {
  public:
    explicit Impl(RawServerScript script) : script_(std::move(script)) {
        accept();
        listener_.start();
    }

    ~Impl() { listener_.stop(); }

    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    std::uint16_t port() const { return listener_.port(); }

    std::optional<std::string> wait_for_request(Clock::time_point deadline) const {
        std::unique_lock lock(mutex_);
        changed_.wait_until(lock, deadline, [&] { return first_request_.has_value(); });
        return first_request_;
    }

    bool wait_for_client_frame(Opcode opcode, Clock::time_point deadline) const {
        std::unique_lock lock(mutex_);
        return changed_.wait_until(lock, deadline, [&] { return count_locked(opcode) > 0; });
    }

    std::size_t client_frames(Opcode opcode) const {
        const std::lock_guard lock(mutex_);
        return count_locked(opcode);
    }

    std::optional<std::uint64_t> wait_for_flood_blocked(Clock::time_point deadline) const {
        std::unique_lock lock(mutex_);
        changed_.wait_until(lock, deadline, [&] { return flood_blocked_at_.has_value(); });
        return flood_blocked_at_;
    }

    std::uint64_t bytes_written() const { return bytes_written_.load(); }
    std::uint64_t slowloris_bytes_written() const { return slowloris_bytes_written_.load(); }

  private:
    // One accepted connection; kept alive by the handlers of its pending operations.
    struct Session {
        explicit Session(tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {}
        tcp::socket socket;
        net::steady_timer timer;
        net::streambuf request;
        std::string response;  // the 101 response and after_upgrade, kept until written
        std::size_t slowloris_sent = 0;
        std::string chunk;
        std::size_t chunk_index = 0;
        std::size_t chunk_sent = 0;
        std::array<char, 4096> read_buffer{};
        std::string client_bytes;
        bool flooding = false;
        bool closing = false;
    };
    using SessionPtr = std::shared_ptr<Session>;

    std::size_t count_locked(Opcode opcode) const {
        return static_cast<std::size_t>(
            std::count(client_opcodes_.begin(), client_opcodes_.end(), opcode));
    }

    void accept() {
        listener_.acceptor().async_accept([this](error_code ec, tcp::socket socket) {
            if (ec) {
                return;
            }
            error_code ignored;
            socket.set_option(tcp::no_delay(true), ignored);
            if (script_.flood) {
                // A fixed send buffer turns the kernel's autotuning off, so a client that stops
                // reading blocks the flood after a few hundred KiB, however slowly the flood is
                // produced (under ThreadSanitizer 1.5 MB in a second never filled the buffers).
                socket.set_option(boost::asio::socket_base::send_buffer_size(64 * 1024), ignored);
            }
            auto session = std::make_shared<Session>(std::move(socket));
            read_request(session);
            accept();
        });
    }

    void read_request(const SessionPtr& session) {
        net::async_read_until(session->socket, session->request, "\r\n\r\n",
                              [this, session](error_code ec, std::size_t bytes) {
                                  if (ec) {
                                      return;
                                  }
                                  const auto data = session->request.data();
                                  const std::string head(net::buffers_begin(data),
                                                         net::buffers_begin(data) +
                                                             static_cast<std::ptrdiff_t>(bytes));
                                  session->request.consume(bytes);
                                  {
                                      const std::lock_guard lock(mutex_);
                                      if (!first_request_) {
                                          first_request_ = head;
                                      }
                                  }
                                  changed_.notify_all();
                                  answer(session, head);
                              });
    }

    void answer(const SessionPtr& session, const std::string& head) {
        switch (script_.upgrade) {
            case UpgradeAnswer::never:
                read_client(session);
                return;
            case UpgradeAnswer::slowloris:
                session->response = upgrade_response(head, false);
                write_slowly(session);
                read_client(session);
                return;
            case UpgradeAnswer::accept:
            case UpgradeAnswer::accept_with_deflate:
                session->response =
                    upgrade_response(head, script_.upgrade == UpgradeAnswer::accept_with_deflate);
                break;
        }
        const std::size_t head_size = session->response.size();
        session->response += script_.after_upgrade;
        net::async_write(session->socket, net::buffer(session->response),
                         [this, session, head_size](error_code ec, std::size_t bytes) {
                             if (ec) {
                                 return;
                             }
                             bytes_written_ += bytes - head_size;
                             if (script_.flood) {
                                 flood(session);
                             }
                         });
        read_client(session);
    }

    // One byte of the response per interval, on a timer.
    void write_slowly(const SessionPtr& session) {
        if (session->slowloris_sent >= session->response.size()) {
            return;
        }
        session->timer.expires_after(script_.slowloris_interval);
        session->timer.async_wait([this, session](error_code ec) {
            if (ec) {
                return;
            }
            net::async_write(session->socket,
                             net::buffer(&session->response[session->slowloris_sent], 1),
                             [this, session](error_code write_ec, std::size_t) {
                                 if (write_ec) {
                                     return;
                                 }
                                 ++session->slowloris_sent;
                                 ++slowloris_bytes_written_;
                                 write_slowly(session);
                             });
        });
    }

    // Writes chunks without blocking; the first time the kernel refuses more, records how much
    // it took, then waits until the socket is writable again.
    void flood(const SessionPtr& session) {
        session->flooding = true;
        session->socket.non_blocking(true);
        while (true) {
            if (session->chunk_sent == session->chunk.size()) {
                if (session->closing) {
                    session->flooding = false;
                    write_close(session);
                    return;
                }
                session->chunk = script_.flood(session->chunk_index++);
                session->chunk_sent = 0;
                if (session->chunk.empty()) {
                    session->flooding = false;
                    return;
                }
            }
            error_code ec;
            const std::size_t sent =
                session->socket.write_some(net::buffer(session->chunk.data() + session->chunk_sent,
                                                       session->chunk.size() - session->chunk_sent),
                                           ec);
            session->chunk_sent += sent;
            bytes_written_ += sent;
            if (ec == net::error::would_block) {
                {
                    const std::lock_guard lock(mutex_);
                    if (!flood_blocked_at_) {
                        flood_blocked_at_ = bytes_written_.load();
                    }
                }
                changed_.notify_all();
                session->socket.async_wait(tcp::socket::wait_write,
                                           [this, session](error_code wait_ec) {
                                               if (!wait_ec) {
                                                   flood(session);
                                               }
                                           });
                return;
            }
            if (ec) {
                session->flooding = false;
                return;
            }
        }
    }

    void read_client(const SessionPtr& session) {
        session->socket.async_read_some(
            net::buffer(session->read_buffer), [this, session](error_code ec, std::size_t bytes) {
                if (ec) {
                    return;
                }
                session->client_bytes.append(session->read_buffer.data(), bytes);
                while (auto frame = take_client_frame(session->client_bytes)) {
                    {
                        const std::lock_guard lock(mutex_);
                        client_opcodes_.push_back(frame->opcode);
                    }
                    changed_.notify_all();
                    if (frame->opcode == Opcode::close && script_.echo_close && !session->closing) {
                        reply_close(session);
                    }
                    if (frame->opcode == Opcode::ping && script_.answer_pings &&
                        !session->flooding) {
                        RawFrame pong;
                        pong.opcode = Opcode::pong;
                        pong.payload = frame->payload;
                        auto wire_bytes = std::make_shared<std::string>(pong.bytes());
                        net::async_write(session->socket, net::buffer(*wire_bytes),
                                         [session, wire_bytes](error_code, std::size_t) {});
                    }
                }
                read_client(session);
            });
    }

    // A flood owns the socket's write side: it sends the close at its next frame boundary.
    void reply_close(const SessionPtr& session) {
        session->closing = true;
        if (!session->flooding) {
            write_close(session);
        }
    }

    void write_close(const SessionPtr& session) {
        auto frame = std::make_shared<std::string>(close_frame(1000, "").bytes());
        net::async_write(session->socket, net::buffer(*frame),
                         [session, frame](error_code ec, std::size_t) {
                             if (!ec) {
                                 session->socket.shutdown(tcp::socket::shutdown_send, ec);
                             }
                         });
    }

    test::LoopbackListener listener_;  // first: destroyed last, stopped first
    RawServerScript script_;
    std::atomic<std::uint64_t> bytes_written_{0};
    std::atomic<std::uint64_t> slowloris_bytes_written_{0};

    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::optional<std::string> first_request_;
    std::vector<Opcode> client_opcodes_;
    std::optional<std::uint64_t> flood_blocked_at_;
};

RawFrameServer::RawFrameServer(RawServerScript script)
    : impl_(std::make_unique<Impl>(std::move(script))) {}

RawFrameServer::~RawFrameServer() = default;

std::uint16_t RawFrameServer::port() const {
    return impl_->port();
}

std::string RawFrameServer::url() const {
    return "ws://127.0.0.1:" + std::to_string(port()) + "/ws";
}

std::optional<std::string> RawFrameServer::wait_for_request(Clock::time_point deadline) const {
    return impl_->wait_for_request(deadline);
}

bool RawFrameServer::wait_for_client_frame(Opcode opcode, Clock::time_point deadline) const {
    return impl_->wait_for_client_frame(opcode, deadline);
}

std::size_t RawFrameServer::client_frames(Opcode opcode) const {
    return impl_->client_frames(opcode);
}

std::optional<std::uint64_t> RawFrameServer::wait_for_flood_blocked(
    Clock::time_point deadline) const {
    return impl_->wait_for_flood_blocked(deadline);
}

std::uint64_t RawFrameServer::bytes_written() const {
    return impl_->bytes_written();
}

std::uint64_t RawFrameServer::slowloris_bytes_written() const {
    return impl_->slowloris_bytes_written();
}

}  // namespace goldenpath::test
