// The WebSocket half of the double's session (double_session.hpp): the accept after an upgrade,
// the read loop whose text frames start script runs, and the client's close code. Internal
// (Boost); included by the two files that instantiate the session.
#pragma once

#include <string>

#include "double_session.hpp"

namespace goldenpath::detail::session {

template <class WsStream>
void DoubleSession<WsStream>::on_accept(error_code ec) {
    if (ec) {
        journal_->update(id_, [](RecordedConnection& c) { c.upgraded = false; });
        hard_close();
        return;
    }
    upgraded_ = true;
    // The client's close code is recorded as its close frame arrives, before Beast answers
    // it: a client whose close() returned (it waits for the answer) finds it recorded.
    ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
        if (kind == websocket::frame_type::close) {
            record_client_close(websocket::error::closed);
        }
    });
    // When the double closed first, Beast reads the client's answer without the callback above,
    // then starts the teardown (double_tcp_stream.hpp): the code counts from then on.
    beast::get_lowest_layer(ws_).on_teardown([this] { record_client_close({}); });
    if (stopping_) {
        enqueue_close(1001, "server stopping");
        return;
    }
    open_connection();
    read();
}

template <class WsStream>
void DoubleSession<WsStream>::read() {
    if (queue_.full() || runs_.size() >= server_.options().max_runs_per_connection) {
        reading_paused_ = true;  // back-pressure: resume() reads again once there is room
        return;
    }
    reading_paused_ = false;
    ws_.async_read(read_buffer_, [self = this->shared_from_this()](error_code ec, std::size_t) {
        self->on_read(ec);
    });
}

template <class WsStream>
void DoubleSession<WsStream>::on_read(error_code ec) {
    if (ec) {
        // Over TLS the teardown after the close frame may fail (the client's own close
        // frame arrives after our close_notify): the frame's code still counts.
        record_client_close(ec);
        finish();
        return;
    }
    std::string text = beast::buffers_to_string(read_buffer_.data());
    read_buffer_.consume(read_buffer_.size());
    const bool is_text = ws_.got_text();
    if (is_text) {
        const std::size_t limit = server_.options().max_recorded_messages;
        journal_->update(id_, [&text, limit](RecordedConnection& c) {
            if (c.received.size() < limit) {
                c.received.push_back(text);
            } else {
                ++c.received_omitted;  // a client that sends without end costs no memory
            }
        });
        on_message(text);
    }
    if (!closing_) {
        read();
    }
}

template <class WsStream>
void DoubleSession<WsStream>::record_client_close(error_code ec) {
    if (ec == websocket::error::closed || ws_.reason().code != 0) {
        const int code = static_cast<int>(ws_.reason().code);
        journal_->update(id_, [code](RecordedConnection& c) { c.client_close_code = code; });
    }
}

template <class WsStream>
void DoubleSession<WsStream>::on_message(const std::string& text) {
    std::optional<Reply> reply;
    try {
        // The live recording, not a copy: a copy per message made n messages cost n².
        reply = answer(*recording_, text, server_.options());
    } catch (...) {
        enqueue_close(1011, bounded_close_reason(report_harness_error(answer_source())));
        return;
    }
    if (reply) {
        start_run(std::move(*reply));
    }
}

}  // namespace goldenpath::detail::session
