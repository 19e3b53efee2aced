// Internal: a stream layer between Beast's websocket::stream and the transport (TCP or TLS) that
// follows the server's frames and keeps the payload of its first close frame. Beast rejects a
// close frame with an invalid code (999, 5000, 1005, ...) or a 1-byte payload without handing
// the code to anyone; this layer is how the harness can still name what the server sent.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/role.hpp>
#include <boost/beast/websocket/teardown.hpp>

namespace goldenpath::detail {

// Follows the byte stream of a WebSocket client: the HTTP upgrade response up to its empty line,
// then frame headers and payload lengths. Only a close frame's payload (at most 125 bytes) is
// copied; data payloads are skipped by length, so the cost per byte is constant.
class ServerFrameScanner {
  public:
    void scan(const unsigned char* data, std::size_t size);
    // The payload of the server's first close frame, once all of it arrived.
    const std::optional<std::string>& close_payload() const { return close_payload_; }
    // Data messages whose last frame came before that close frame.
    std::size_t messages_before_close() const { return messages_; }
    // Bytes received so far, counting from the first (the upgrade response).
    std::uint64_t bytes_seen() const { return bytes_seen_; }
    // The first bytes have the shape of a TLS record header (content type 20-23, version 3.x):
    // a TLS server answering a plain-text upgrade request, usually with an alert.
    bool first_bytes_look_like_tls() const;

  private:
    enum class State { http, header, payload };
    void header_complete();

    State state_ = State::http;
    std::size_t http_matched_ = 0;  // bytes of "\r\n\r\n" matched so far
    std::array<unsigned char, 14> header_{};
    std::size_t header_size_ = 0;
    std::size_t header_needed_ = 2;
    std::uint64_t payload_left_ = 0;
    bool in_close_ = false;
    std::array<unsigned char, 4> mask_{};
    bool masked_ = false;
    std::string close_bytes_;
    std::optional<std::string> close_payload_;
    std::size_t messages_ = 0;
    std::uint64_t bytes_seen_ = 0;
    std::array<unsigned char, 3> first_bytes_{};
};

template <class NextLayer>
class CloseFrameWatcher {
  public:
    using next_layer_type = NextLayer;
    using executor_type = typename NextLayer::executor_type;

    template <class... Args>
    explicit CloseFrameWatcher(Args&&... args) : next_(std::forward<Args>(args)...) {}

    executor_type get_executor() noexcept { return next_.get_executor(); }
    NextLayer& next_layer() noexcept { return next_; }
    const NextLayer& next_layer() const noexcept { return next_; }
    const ServerFrameScanner& scanner() const { return scanner_; }
    // Called from inside a read, once the first close frame's payload has arrived.
    void on_close_payload(std::function<void()> callback) {
        on_close_payload_ = std::move(callback);
    }

    template <class MutableBuffers, class Token>
    auto async_read_some(const MutableBuffers& buffers, Token&& token) {
        return boost::asio::async_compose<Token, void(boost::beast::error_code, std::size_t)>(
            ReadOp<MutableBuffers>{this, buffers, false}, token, next_);
    }

    template <class ConstBuffers, class Token>
    auto async_write_some(const ConstBuffers& buffers, Token&& token) {
        return next_.async_write_some(buffers, std::forward<Token>(token));
    }

  private:
    template <class MutableBuffers>
    struct ReadOp {
        CloseFrameWatcher* watcher;
        MutableBuffers buffers;
        bool started;

        template <class Self>
        void operator()(Self& self, boost::beast::error_code ec = {}, std::size_t bytes = 0) {
            if (!started) {
                started = true;
                watcher->next_.async_read_some(buffers, std::move(self));
                return;
            }
            const bool had_close = watcher->scanner_.close_payload().has_value();
            std::size_t left = bytes;
            for (auto it = boost::asio::buffer_sequence_begin(buffers);
                 left > 0 && it != boost::asio::buffer_sequence_end(buffers); ++it) {
                const boost::asio::mutable_buffer part = *it;
                const std::size_t n = std::min(left, part.size());
                watcher->scanner_.scan(static_cast<const unsigned char*>(part.data()), n);
                left -= n;
            }
            if (!had_close && watcher->scanner_.close_payload() && watcher->on_close_payload_) {
                watcher->on_close_payload_();
            }
            self.complete(ec, bytes);
        }
    };

    NextLayer next_;
    ServerFrameScanner scanner_;
    std::function<void()> on_close_payload_;
};

template <class NextLayer>
void teardown(boost::beast::role_type role, CloseFrameWatcher<NextLayer>& stream,
              boost::beast::error_code& ec) {
    using boost::beast::websocket::teardown;
    teardown(role, stream.next_layer(), ec);
}

template <class NextLayer, class TeardownHandler>
void async_teardown(boost::beast::role_type role, CloseFrameWatcher<NextLayer>& stream,
                    TeardownHandler&& handler) {
    using boost::beast::websocket::async_teardown;
    async_teardown(role, stream.next_layer(), std::forward<TeardownHandler>(handler));
}

}  // namespace goldenpath::detail
