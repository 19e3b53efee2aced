// The event-stream half of the double's session (double_session.hpp): a POST's body is the start
// message; the answer is a chunked text/event-stream with one event per script frame, ended by
// the run's end, a close step or the server stopping. Internal (Boost); included by the two files
// that instantiate the session.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "double_session.hpp"
#include "event_stream_writes.hpp"

namespace goldenpath::detail::session {

template <class WsStream>
void DoubleSession<WsStream>::start_event_stream(RecordedConnection recorded) {
    const auto& options = server_.options();
    const std::string& body = request_.body();
    recorded.id = journal_->next_id();  // record() gives the same id
    if (options.max_recorded_messages > 0) {
        recorded.received.push_back(body);
    } else {
        recorded.received_omitted = 1;
    }
    std::optional<Reply> reply;
    std::string error;
    try {
        reply = answer(recorded, body, options);
    } catch (...) {
        error = harness_error(answer_source(), describe_current_exception());
    }
    const int reject = !error.empty() ? 500 : !reply && !options.behaviour ? 400 : 0;
    recorded.upgraded = reject == 0 && !stopping_;
    recorded.rejected_status = reject;
    id_ = journal_->record(std::move(recorded));
    recording_ = journal_->live(id_);
    if (!error.empty()) {
        server_.report_harness_error(error + " (connection " + std::to_string(id_) + ")");
    }
    if (reject != 0) {
        respond(reject, reject == 500 ? error
                                      : "the body is not a start message of protocol profile " +
                                            options.profile.name);
        return;
    }
    if (stopping_) {
        hard_close();
        return;
    }
    event_stream_ = true;
    upgraded_ = true;
    header_pending_ = true;
    async_write_event_stream_header(ws_.next_layer(), request_.version(),
                                    [self = this->shared_from_this()](error_code ec) {
                                        self->header_pending_ = false;
                                        if (ec) {
                                            self->hard_close();
                                            return;
                                        }
                                        self->pump();
                                    });
    watch_client();
    open_connection();
    if (reply) {
        // After what on_connection's handle sent (its commands are posted): as over WebSocket,
        // where they come before the start message is read.
        net::post(server_.ioc(),
                  [self = this->shared_from_this(), reply = std::move(*reply)]() mutable {
                      if (!self->closing_) {
                          self->start_run(std::move(reply));
                      }
                  });
    }
}

template <class WsStream>
void DoubleSession<WsStream>::watch_client() {
    ws_.next_layer().async_read_some(read_buffer_.prepare(512),
                                     [self = this->shared_from_this()](error_code ec, std::size_t) {
                                         if (ec) {
                                             self->finish();
                                             return;
                                         }
                                         self->watch_client();
                                     });
}

template <class WsStream>
void DoubleSession<WsStream>::pump_event_stream(const Outgoing& out) {
    if (out.kind == Outgoing::Kind::reset) {
        queue_.clear();
        hard_close(true);
    } else if (out.kind == Outgoing::Kind::close) {
        async_write_event_stream_end(ws_.next_layer(),
                                     [self = this->shared_from_this()](error_code, std::size_t) {
                                         self->queue_.clear();
                                         self->hard_close();
                                     });
    } else {
        async_write_event_stream_chunk(ws_.next_layer(), out.payload,
                                       [self = this->shared_from_this()](
                                           error_code ec, std::size_t) { self->on_written(ec); });
    }
}

}  // namespace goldenpath::detail::session
