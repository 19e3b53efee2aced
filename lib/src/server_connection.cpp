#include "goldenpath/server_connection.hpp"

#include <stdexcept>
#include <string>
#include <utility>

#include "connection_journal.hpp"

namespace goldenpath {
namespace detail {

std::size_t ConnectionJournal::next_id() const {
    const std::lock_guard lock(mutex_);
    return entries_.size() + 1;
}

std::size_t ConnectionJournal::record(RecordedConnection connection) {
    std::size_t id = 0;
    {
        const std::lock_guard lock(mutex_);
        id = entries_.size() + 1;
        connection.id = id;
        entries_.push_back(Entry{std::move(connection), false, false, {}});
    }
    changed_.notify_all();
    return id;
}

void ConnectionJournal::opened(std::size_t id, ConnectionDriver driver, bool hand_out) {
    {
        const std::lock_guard lock(mutex_);
        Entry& entry = entries_.at(id - 1);
        if (entry.ended) {
            return;
        }
        entry.open = true;
        entry.driver = std::move(driver);
        if (hand_out) {
            untaken_.push_back(id);
        }
    }
    changed_.notify_all();
}

void ConnectionJournal::ended(std::size_t id) {
    {
        const std::lock_guard lock(mutex_);
        Entry& entry = entries_.at(id - 1);
        entry.open = false;
        entry.ended = true;
        entry.driver = nullptr;
    }
    changed_.notify_all();
}

void ConnectionJournal::detach() {
    {
        const std::lock_guard lock(mutex_);
        for (Entry& entry : entries_) {
            entry.driver = nullptr;
            entry.open = false;
            entry.ended = true;
        }
    }
    changed_.notify_all();
}

RecordedConnection ConnectionJournal::snapshot(std::size_t id) const {
    const std::lock_guard lock(mutex_);
    return entries_.at(id - 1).recorded;
}

std::vector<RecordedConnection> ConnectionJournal::connections() const {
    const std::lock_guard lock(mutex_);
    std::vector<RecordedConnection> recorded;
    recorded.reserve(entries_.size());
    for (const Entry& entry : entries_) {
        recorded.push_back(entry.recorded);
    }
    return recorded;
}

bool ConnectionJournal::wait_for_connections(std::size_t count, Clock::time_point deadline) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] { return entries_.size() >= count; });
}

bool ConnectionJournal::wait_for_messages(std::size_t id, std::size_t count,
                                          Clock::time_point deadline) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] {
        return id >= 1 && id <= entries_.size() &&
               entries_[id - 1].recorded.received.size() >= count;
    });
}

std::optional<std::string> ConnectionJournal::wait_for_message(
    std::size_t id, const std::function<bool(const std::string&)>& matches,
    Clock::time_point deadline) const {
    std::optional<std::string> found;
    std::size_t checked = 0;
    std::unique_lock lock(mutex_);
    changed_.wait_until(lock, deadline, [&] {
        const auto& received = entries_.at(id - 1).recorded.received;
        for (; checked < received.size(); ++checked) {
            if (matches(received[checked])) {
                found = received[checked];
                return true;
            }
        }
        return false;
    });
    return found;
}

std::optional<std::size_t> ConnectionJournal::take_opened(Clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_until(lock, deadline, [&] { return !untaken_.empty(); })) {
        return std::nullopt;
    }
    const std::size_t id = untaken_.front();
    untaken_.pop_front();
    return id;
}

bool ConnectionJournal::command(std::size_t id, ConnectionCommand command) {
    const std::lock_guard lock(mutex_);
    const Entry& entry = entries_.at(id - 1);
    if (!entry.open || !entry.driver) {
        return false;
    }
    entry.driver(std::move(command));
    return true;
}

bool ConnectionJournal::is_open(std::size_t id) const {
    const std::lock_guard lock(mutex_);
    return entries_.at(id - 1).open;
}

std::optional<int> ConnectionJournal::wait_closed(std::size_t id,
                                                  Clock::time_point deadline) const {
    std::unique_lock lock(mutex_);
    const Entry& entry = entries_.at(id - 1);
    if (!changed_.wait_until(lock, deadline, [&] { return entry.ended; })) {
        return std::nullopt;
    }
    return entry.recorded.client_close_code.value_or(1006);
}

}  // namespace detail

ServerConnection::ServerConnection(std::shared_ptr<detail::ConnectionJournal> journal,
                                   std::size_t id)
    : journal_(std::move(journal)), id_(id) {}

RecordedConnection ServerConnection::handshake() const {
    return journal_->snapshot(id_);
}

Clock::time_point ServerConnection::accepted_at() const {
    return journal_->snapshot(id_).accepted_at;
}

std::vector<std::string> ServerConnection::messages() const {
    return journal_->snapshot(id_).received;
}

bool ServerConnection::wait_for_message(std::size_t count, Clock::time_point deadline) const {
    return journal_->wait_for_messages(id_, count, deadline);
}

std::optional<std::string> ServerConnection::wait_for_message(
    const std::function<bool(const std::string&)>& matches, Clock::time_point deadline) const {
    return journal_->wait_for_message(id_, matches, deadline);
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
    return journal_->wait_closed(id_, deadline);
}

bool ServerConnection::is_open() const {
    return journal_->is_open(id_);
}

}  // namespace goldenpath
