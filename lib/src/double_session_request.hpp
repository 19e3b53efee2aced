// The HTTP request phase of the double's session (double_session.hpp): the request recorded,
// the upgrade faults, the decision (path, forced rejection, token), then a WebSocket accept, an
// event stream for a POST, or an HTTP error. Internal (Boost); included by the two files that
// instantiate the session.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "double_session.hpp"

namespace goldenpath::detail::session {

template <class WsStream>
void DoubleSession<WsStream>::on_request(error_code ec) {
    if (ec) {
        // Bytes that are no HTTP (e.g. a TLS ClientHello) get a 400 like real servers give,
        // so a wss:// client sees plain text (tls(not_tls_server)) instead of a silent drop.
        if (ec.category() == make_error_code(http::error::bad_method).category() &&
            ec != http::error::end_of_stream && ec != http::error::partial_message) {
            respond(400, "bad request");
            return;
        }
        hard_close();
        return;
    }
    RecordedConnection recorded;
    recorded.target = std::string(request_.target());
    recorded.accepted_at = accepted_at_;
    for (const auto& field : request_) {
        recorded.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    for (const auto& field : request_) {
        if (field.name() == http::field::sec_websocket_protocol) {
            for (auto& item : split_header_list(field.value())) {
                recorded.offered_subprotocols.push_back(std::move(item));
            }
        }
    }
    const auto& options = server_.options();
    if (options.upgrade_fault_for) {
        recorded.id = journal_->next_id();  // record() gives the same id
        UpgradeFault fault = UpgradeFault::none;
        try {
            fault = options.upgrade_fault_for(recorded);
        } catch (...) {
            report_harness_error("upgrade_fault_for");
            fault = UpgradeFault::close;
        }
        if (fault != UpgradeFault::none) {
            id_ = journal_->record(std::move(recorded));
            hard_close(fault == UpgradeFault::reset);
            return;
        }
    }
    auto decision = decide_upgrade(recorded, options);
    if (decision.reject_status == 0 && !websocket::is_upgrade(request_)) {
        if (request_.method() == http::verb::post) {
            start_event_stream(std::move(recorded));
            return;
        }
        decision = {426, "websocket upgrade required", {}};
    }
    const int reject = decision.reject_status;
    std::string body = std::move(decision.body);
    const std::string selected = std::move(decision.selected_subprotocol);
    // Marked before the 101 is written, so a client that saw the upgrade finds it recorded.
    recorded.upgraded = reject == 0 && !stopping_;
    recorded.rejected_status = reject;
    recorded.selected_subprotocol = selected;
    id_ = journal_->record(std::move(recorded));
    recording_ = journal_->live(id_);
    if (reject != 0) {
        respond(reject, std::move(body));
        return;
    }
    if (stopping_) {
        hard_close();
        return;
    }
    ws_.set_option(websocket::stream_base::decorator([selected](websocket::response_type& res) {
        res.set(http::field::server, "goldenpath-agent-server-double");
        if (!selected.empty()) {
            res.set(http::field::sec_websocket_protocol, selected);
        }
    }));
    ws_.read_message_max(kReadMessageMax);
    ws_.async_accept(request_, [self = this->shared_from_this()](error_code accept_ec) {
        self->on_accept(accept_ec);
    });
}

template <class WsStream>
void DoubleSession<WsStream>::respond(int status, std::string body) {
    auto response = std::make_shared<http::response<http::string_body>>();
    response->result(static_cast<unsigned>(status));
    response->version(request_.version());
    response->set(http::field::server, "goldenpath-agent-server-double");
    response->set(http::field::content_type, "text/plain");
    response->keep_alive(false);
    response->body() = std::move(body);
    response->prepare_payload();
    http::async_write(ws_.next_layer(), *response,
                      [self = this->shared_from_this(), response](error_code, std::size_t) {
                          self->hard_close();
                      });
}

}  // namespace goldenpath::detail::session
