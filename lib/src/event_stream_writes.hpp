// The server double's writes of a text/event-stream answer on a (TLS or plain) Beast stream: the
// response header, one chunk per event, and the last chunk. Chunked, so the stream's end is
// explicit and a client tells a finished answer from a broken connection. Internal (Boost).
#pragma once

#include <memory>
#include <string>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>

namespace goldenpath::detail::session {

// Calls handler(error_code) once the 200 header (Content-Type: text/event-stream, chunked,
// Connection: close) is written.
template <class Stream, class Handler>
void async_write_event_stream_header(Stream& stream, unsigned http_version, Handler handler) {
    namespace http = boost::beast::http;
    using Response = http::response<http::empty_body>;
    auto response = std::make_shared<Response>(http::status::ok, http_version);
    response->set(http::field::server, "goldenpath-agent-server-double");
    response->set(http::field::content_type, "text/event-stream");
    response->set(http::field::cache_control, "no-cache");
    response->keep_alive(false);
    response->chunked(true);
    auto serializer = std::make_shared<http::response_serializer<http::empty_body>>(*response);
    http::async_write_header(
        stream, *serializer,
        [response, serializer, handler = std::move(handler)](boost::beast::error_code ec,
                                                             std::size_t) mutable { handler(ec); });
}

// `data` (alive until the handler runs) as one chunk; handler(error_code, bytes).
template <class Stream, class Handler>
void async_write_event_stream_chunk(Stream& stream, const std::string& data, Handler handler) {
    boost::asio::async_write(stream, boost::beast::http::make_chunk(boost::asio::buffer(data)),
                             std::move(handler));
}

// The last chunk: the answer is complete. handler(error_code, bytes).
template <class Stream, class Handler>
void async_write_event_stream_end(Stream& stream, Handler handler) {
    boost::asio::async_write(stream, boost::beast::http::make_chunk_last(), std::move(handler));
}

}  // namespace goldenpath::detail::session
