#include "goldenpath/server_connection.hpp"

#include <stdexcept>
#include <string>
#include <utility>

#include "connection_journal.hpp"

namespace goldenpath {

ServerConnection::ServerConnection(std::shared_ptr<detail::ConnectionJournal> journal,
                                   std::size_t id)
    : journal_(std::move(journal)), recording_(journal_->pin(id)), id_(id) {}

RecordedConnection ServerConnection::handshake() const {
    return journal_->copy(*recording_);
}

Clock::time_point ServerConnection::accepted_at() const {
    return journal_->copy(*recording_).accepted_at;
}

std::vector<std::string> ServerConnection::messages() const {
    return journal_->copy(*recording_).received;
}

bool ServerConnection::wait_for_message(std::size_t count, Clock::time_point deadline) const {
    return journal_->wait_for_messages(*recording_, count, deadline);
}

std::optional<std::string> ServerConnection::wait_for_message(
    const std::function<bool(const std::string&)>& matches, Clock::time_point deadline) const {
    return journal_->wait_for_message(*recording_, matches, deadline);
}

bool ServerConnection::send_text(std::string text) {
    return journal_->command(id_, {detail::ConnectionCommand::Kind::text, std::move(text), 1000});
}

bool ServerConnection::send_binary(std::string bytes) {
    return journal_->command(id_,
                             {detail::ConnectionCommand::Kind::binary, std::move(bytes), 1000});
}

bool ServerConnection::ping(std::string payload) {
    constexpr std::size_t kControlPayloadMax = 125;
    if (payload.size() > kControlPayloadMax) {
        throw std::invalid_argument(
            "ServerConnection::ping: payload must be at most 125 bytes, but has " +
            std::to_string(payload.size()));
    }
    return journal_->command(id_,
                             {detail::ConnectionCommand::Kind::ping, std::move(payload), 1000});
}

bool ServerConnection::close(int code, std::string reason) {
    // 1005, 1006 and 1015 are reserved for reporting; they never go on the wire.
    if (code < 1000 || code > 4999 || code == 1004 || code == 1005 || code == 1006 ||
        code == 1015) {
        throw std::invalid_argument(
            "ServerConnection::close: code must be a close code 1000-4999 that may be sent, but "
            "is " +
            std::to_string(code));
    }
    return journal_->command(id_,
                             {detail::ConnectionCommand::Kind::close, std::move(reason), code});
}

bool ServerConnection::reset() {
    return journal_->command(id_, {detail::ConnectionCommand::Kind::reset, {}, 1000});
}

std::optional<int> ServerConnection::wait_closed(Clock::time_point deadline) const {
    return journal_->wait_closed(*recording_, deadline);
}

bool ServerConnection::is_open() const {
    return journal_->is_open(id_);
}

}  // namespace goldenpath
