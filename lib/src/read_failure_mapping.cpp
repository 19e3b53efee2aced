#include "read_failure_mapping.hpp"

#include <string>

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>
#include <boost/beast/zlib/error.hpp>

namespace goldenpath::detail {
namespace {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using error_code = boost::system::error_code;
}  // namespace

bool is_connection_loss(const error_code& ec) {
    return ec == net::error::eof || ec == http::error::end_of_stream ||
           ec == http::error::partial_message || ec == net::error::connection_reset ||
           ec == net::error::connection_aborted || ec == net::error::broken_pipe ||
           ec == websocket::error::closed;
}

// Nothing, as OpenSSL servers send to a plain-text request, or a 7-byte TLS alert record. Eight
// bytes or more that are not HTTP are Beast's bad_version, as for any garbage status line.
bool ended_before_an_http_line(const error_code& ec) {
    return ec == net::error::eof || ec == http::error::end_of_stream ||
           ec == http::error::partial_message || ec == net::error::connection_reset;
}

int failed_connection_code(const error_code& ec) {
    if (ec == websocket::error::message_too_big || ec == websocket::error::buffer_overflow) {
        return 1009;
    }
    if (ec == websocket::error::bad_frame_payload) {
        return 1007;
    }
    if (ec == websocket::condition::protocol_violation) {
        return 1002;
    }
    return 0;
}

std::string_view websocket_error_name(const error_code& ec) {
    if (ec.category() != websocket::make_error_code(websocket::error::closed).category()) {
        return "other";
    }
    switch (static_cast<websocket::error>(ec.value())) {
        case websocket::error::buffer_overflow:
            return "buffer_overflow";
        case websocket::error::partial_deflate_block:
            return "partial_deflate_block";
        case websocket::error::message_too_big:
            return "message_too_big";
        case websocket::error::bad_opcode:
            return "bad_opcode";
        case websocket::error::bad_data_frame:
            return "bad_data_frame";
        case websocket::error::bad_continuation:
            return "bad_continuation";
        case websocket::error::bad_reserved_bits:
            return "bad_reserved_bits";
        case websocket::error::bad_control_fragment:
            return "bad_control_fragment";
        case websocket::error::bad_control_size:
            return "bad_control_size";
        case websocket::error::bad_unmasked_frame:
            return "bad_unmasked_frame";
        case websocket::error::bad_masked_frame:
            return "bad_masked_frame";
        case websocket::error::bad_size:
            return "bad_size";
        case websocket::error::bad_frame_payload:
            return "bad_frame_payload";
        case websocket::error::bad_close_code:
            return "bad_close_code";
        case websocket::error::bad_close_size:
            return "bad_close_size";
        case websocket::error::bad_close_payload:
            return "bad_close_payload";
        default:
            return "other";
    }
}

bool is_inflate_error(const error_code& ec) {
    return ec.category() ==
           beast::zlib::make_error_code(beast::zlib::error::need_buffers).category();
}

bool is_read_failure(const error_code& ec) {
    return failed_connection_code(ec) != 0 || is_inflate_error(ec) || ec == beast::error::timeout;
}

Failure read_failure(const error_code& ec, const ReadContext& context) {
    if (ec == beast::error::timeout) {
        const auto idle = 2 * context.keepalive.value_or(Milliseconds{0});
        Failure failure =
            Failure::stalled(static_cast<double>(idle.count()), std::nullopt,
                             "keepalive: no pong nor any other frame within " +
                                 std::to_string(idle.count()) + " ms (a ping was sent after " +
                                 std::to_string(idle.count() / 2) + " ms of silence)");
        failure.close_code = 1006;
        failure.close_reason = "keepalive timeout";
        return failure;
    }
    Failure failure;
    failure.kind = FailureKind::malformed_frame;
    failure.phase = Phase::completion;
    failure.frame_index = context.frames_delivered;
    failure.close_reason = ec.message();
    if (is_inflate_error(ec)) {
        failure.close_code = 1006;
        failure.detail = "permessage-deflate data does not inflate (" + ec.message() +
                         "); the connection was dropped";
        return failure;
    }
    failure.close_code = failed_connection_code(ec);
    const std::string beast_reason =
        "Beast: " + std::string(websocket_error_name(ec)) + ", " + ec.message();
    if (failure.close_code == 1009) {
        failure.detail = "the server's message is larger than max_message_bytes = " +
                         std::to_string(context.max_message_bytes) + " bytes (" + beast_reason +
                         "); the client closed with 1009";
    } else {
        failure.detail = "WebSocket protocol violation by the server (" + beast_reason +
                         "); the client closed with " + std::to_string(failure.close_code);
    }
    return failure;
}

}  // namespace goldenpath::detail
