#include "mirror_server.hpp"

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket/detail/hybi13.hpp>
#include <nlohmann/json.hpp>

#include "loopback_listener.hpp"
#include "raw_frame_server.hpp"

namespace goldenpath::test {
namespace {

namespace net = boost::asio;
using net::awaitable;
using net::use_awaitable;
using tcp = net::ip::tcp;

constexpr std::size_t kCloseReasonBytes = 120;  // a close reason holds at most 123

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

std::string json_text(std::string_view text) {
    return nlohmann::json(std::string(text))
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string event(std::string_view type,
                  const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out = R"({"type":)" + json_text(type);
    for (const auto& [name, value] : fields) {
        out += "," + json_text(name) + ":" + json_text(value);
    }
    return out + "}";
}

// The frames after connection_established that put `mirror` where `options` says; `start` is
// the client's start message (for the ids of a run that is otherwise correct).
std::vector<RawFrame> mirrored_frames(const MirrorOptions& options, const std::string& mirror,
                                      const nlohmann::json& start) {
    const auto id = [&start](const char* field) {
        const auto* payload = start.contains("payload") ? &start["payload"] : &start;
        return payload->contains(field) && (*payload)[field].is_string()
                   ? (*payload)[field].get<std::string>()
                   : std::string();
    };
    const std::string run_id = id("run_id");
    const std::string thread_id = id("thread_id");
    const std::string padding(options.offset, '.');
    switch (options.place) {
        case MirrorPlace::event_fields:
            return {
                text_frame(event("agent_started", {{"run_id", run_id},
                                                   {"thread_id", thread_id},
                                                   {"agent_name", mirror},
                                                   {"status", mirror}})),
                text_frame(event("agent_thinking",
                                 {{"run_id", run_id}, {"thought", mirror}, {"reasoning", mirror}})),
                text_frame(
                    event("tool_executing",
                          {{"run_id", run_id}, {"tool_name", mirror}, {"tool_call_id", mirror}})),
                text_frame(event("tool_completed", {{"run_id", run_id},
                                                    {"tool_name", mirror},
                                                    {"tool_call_id", mirror},
                                                    {"result", mirror}})),
                text_frame(
                    event("agent_completed",
                          {{"run_id", run_id}, {"final_response", mirror}, {"status", mirror}})),
            };
        case MirrorPlace::foreign_ids:
            return {
                text_frame(event("agent_started",
                                 {{"run_id", mirror}, {"thread_id", mirror}, {"agent_name", "a"}})),
                close_frame(1000, "done")};
        case MirrorPlace::agent_error:
            return {text_frame(event("agent_started", {{"run_id", run_id}, {"agent_name", "a"}})),
                    text_frame(event("agent_error", {{"run_id", run_id},
                                                     {"message", mirror},
                                                     {"error", mirror},
                                                     {"detail", mirror},
                                                     {"error_code", mirror}}))};
        case MirrorPlace::unknown_type:
            return {text_frame(event(mirror, {{"run_id", run_id}})), close_frame(1000, "done")};
        case MirrorPlace::close_reason:
            // From the Authorization value on: the reason holds the whole token.
            return {close_frame(1011, mirror.substr(mirror.find(" | ") + 3, kCloseReasonBytes))};
        case MirrorPlace::malformed_frame:
            return {text_frame(padding + mirror)};
        case MirrorPlace::binary_frame: {
            RawFrame frame = text_frame(padding + mirror);
            frame.opcode = Opcode::binary;
            return {frame};
        }
        case MirrorPlace::summary_value:
            return {text_frame(event("agent_started",
                                     {{"run_id", run_id}, {"agent_name", padding + mirror}})),
                    close_frame(1000, "done")};
        case MirrorPlace::http_error_body:
            break;
    }
    return {};
}

}  // namespace

std::string_view to_string(MirrorPlace place) noexcept {
    switch (place) {
        case MirrorPlace::event_fields:
            return "event_fields";
        case MirrorPlace::foreign_ids:
            return "foreign_ids";
        case MirrorPlace::agent_error:
            return "agent_error";
        case MirrorPlace::unknown_type:
            return "unknown_type";
        case MirrorPlace::close_reason:
            return "close_reason";
        case MirrorPlace::http_error_body:
            return "http_error_body";
        case MirrorPlace::malformed_frame:
            return "malformed_frame";
        case MirrorPlace::binary_frame:
            return "binary_frame";
        case MirrorPlace::summary_value:
            return "summary_value";
    }
    return "unknown";
}

std::string MirrorServer::mirror_of(std::string_view request_head) {
    const std::string_view request_line = request_head.substr(0, request_head.find("\r\n"));
    const std::size_t question = request_line.find('?');
    const std::size_t query_end = request_line.find(' ', question);
    const std::string_view query =
        question == std::string_view::npos
            ? std::string_view()
            : request_line.substr(question + 1, query_end - question - 1);
    return std::string(request_line) + " | " + header_value(request_head, "Authorization") + " | " +
           header_value(request_head, "Sec-WebSocket-Protocol") + " | " + std::string(query);
}

class MirrorServer::Impl {
  public:
    explicit Impl(MirrorOptions options) : options_(options) {
        net::co_spawn(listener_.context(), accept_loop(), net::detached);
        listener_.start();
    }
    ~Impl() { listener_.stop(); }
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    std::uint16_t port() const { return listener_.port(); }

    std::optional<std::string> wait_for_mirror(Clock::time_point deadline) const {
        std::unique_lock lock(mutex_);
        changed_.wait_until(lock, deadline, [&] { return first_mirror_.has_value(); });
        return first_mirror_;
    }

  private:
    awaitable<void> accept_loop() {
        while (true) {
            tcp::socket socket = co_await listener_.acceptor().async_accept(use_awaitable);
            net::co_spawn(listener_.context(), serve(std::move(socket)), net::detached);
        }
    }

    // Reads client frames into `buffer` until one is complete; nullopt at EOF.
    static awaitable<std::optional<RawFrame>> read_client_frame(tcp::socket& socket,
                                                                std::string& buffer) {
        while (true) {
            if (auto frame = take_client_frame(buffer)) {
                co_return frame;
            }
            char chunk[4096];
            boost::system::error_code ec;
            const std::size_t n = co_await socket.async_read_some(
                net::buffer(chunk), net::redirect_error(use_awaitable, ec));
            if (ec) {
                co_return std::nullopt;
            }
            buffer.append(chunk, n);
        }
    }

    // A masked client frame off the front of `buffer`, unmasked; nullopt while incomplete.
    static std::optional<RawFrame> take_client_frame(std::string& buffer) {
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
        header += masked ? 4 : 0;
        if (buffer.size() < header + length) {
            return std::nullopt;
        }
        RawFrame frame;
        frame.opcode = static_cast<Opcode>(byte(0) & 0x0fU);
        frame.payload = buffer.substr(header, static_cast<std::size_t>(length));
        for (std::size_t i = 0; masked && i < frame.payload.size(); ++i) {
            frame.payload[i] = static_cast<char>(static_cast<unsigned char>(frame.payload[i]) ^
                                                 byte(mask_at + i % 4));
        }
        buffer.erase(0, header + static_cast<std::size_t>(length));
        return frame;
    }

    awaitable<void> serve(tcp::socket socket) {
        boost::system::error_code ec;
        net::streambuf head_buffer;
        const std::size_t head_size = co_await net::async_read_until(
            socket, head_buffer, "\r\n\r\n", net::redirect_error(use_awaitable, ec));
        if (ec) {
            co_return;
        }
        const std::string head(
            net::buffers_begin(head_buffer.data()),
            net::buffers_begin(head_buffer.data()) + static_cast<std::ptrdiff_t>(head_size));
        std::string buffer(
            net::buffers_begin(head_buffer.data()) + static_cast<std::ptrdiff_t>(head_size),
            net::buffers_end(head_buffer.data()));
        const std::string mirror = mirror_of(head);
        {
            const std::lock_guard lock(mutex_);
            if (!first_mirror_) {
                first_mirror_ = mirror;
            }
        }
        changed_.notify_all();

        if (options_.place == MirrorPlace::http_error_body) {
            const std::string body = std::string(options_.offset, '.') + mirror + " | the end";
            const std::string response = "HTTP/1.1 " + std::to_string(options_.http_status) +
                                         " Mirror\r\nContent-Type: text/plain\r\nContent-Length: " +
                                         std::to_string(body.size()) +
                                         "\r\nConnection: close\r\n\r\n" + body;
            co_await net::async_write(socket, net::buffer(response),
                                      net::redirect_error(use_awaitable, ec));
            socket.shutdown(tcp::socket::shutdown_send, ec);
            co_await read_client_frame(socket, buffer);  // until the client hangs up
            co_return;
        }

        boost::beast::websocket::detail::sec_ws_accept_type accept;
        boost::beast::websocket::detail::make_sec_ws_accept(
            accept, header_value(head, "Sec-WebSocket-Key"));
        std::string response =
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: " +
            std::string(accept.data(), accept.size()) + "\r\n";
        const std::string offered = header_value(head, "Sec-WebSocket-Protocol");
        if (!offered.empty()) {
            response += "Sec-WebSocket-Protocol: " + offered.substr(0, offered.find(',')) + "\r\n";
        }
        response += "\r\n" + text_frame(R"({"type":"connection_established"})").bytes();
        co_await net::async_write(socket, net::buffer(response),
                                  net::redirect_error(use_awaitable, ec));
        if (ec) {
            co_return;
        }
        auto start = co_await read_client_frame(socket, buffer);
        if (!start) {
            co_return;
        }
        const auto start_json = nlohmann::json::parse(start->payload, nullptr, false);
        const std::string frames = wire(mirrored_frames(options_, mirror, start_json));
        co_await net::async_write(socket, net::buffer(frames),
                                  net::redirect_error(use_awaitable, ec));
        // Answers the client's close; ends when the client hangs up.
        while (auto frame = co_await read_client_frame(socket, buffer)) {
            if (frame->opcode == Opcode::close) {
                const std::string reply = close_frame(1000, "").bytes();
                co_await net::async_write(socket, net::buffer(reply),
                                          net::redirect_error(use_awaitable, ec));
                socket.shutdown(tcp::socket::shutdown_send, ec);
            }
        }
    }

    LoopbackListener listener_;  // first: its io_context outlives every socket
    MirrorOptions options_;
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::optional<std::string> first_mirror_;
};

MirrorServer::MirrorServer(MirrorOptions options) : impl_(std::make_unique<Impl>(options)) {}
MirrorServer::~MirrorServer() = default;

std::string MirrorServer::url() const {
    return "ws://127.0.0.1:" + std::to_string(impl_->port()) + "/ws";
}

std::optional<std::string> MirrorServer::wait_for_mirror(Clock::time_point deadline) const {
    return impl_->wait_for_mirror(deadline);
}

}  // namespace goldenpath::test
