#include "connection_journal.hpp"

#include <algorithm>
#include <cstddef>
#include <utility>

namespace goldenpath::detail {

ConnectionJournal::ConnectionJournal(std::size_t capacity) : capacity_(capacity) {}

std::size_t ConnectionJournal::next_id() const {
    const std::lock_guard lock(mutex_);
    return next_id_;
}

std::size_t ConnectionJournal::record(RecordedConnection connection) {
    std::size_t id = 0;
    {
        const std::lock_guard lock(mutex_);
        id = next_id_++;
        connection.id = id;
        entries_.emplace(
            id,
            Entry{std::make_shared<RecordedConnection>(std::move(connection)), false, false, {}});
    }
    changed_.notify_all();
    return id;
}

std::shared_ptr<const RecordedConnection> ConnectionJournal::live(std::size_t id) const {
    const std::lock_guard lock(mutex_);
    const auto it = entries_.find(id);
    return it == entries_.end() ? nullptr : it->second.recorded;
}

void ConnectionJournal::opened(std::size_t id, ConnectionDriver driver, bool hand_out) {
    {
        const std::lock_guard lock(mutex_);
        const auto it = entries_.find(id);
        if (it == entries_.end() || it->second.ended) {
            return;
        }
        it->second.open = true;
        it->second.driver = std::move(driver);
        if (hand_out) {
            untaken_.push_back(id);
        }
    }
    changed_.notify_all();
}

void ConnectionJournal::ended(std::size_t id) {
    {
        const std::lock_guard lock(mutex_);
        const auto it = entries_.find(id);
        if (it == entries_.end() || it->second.ended) {
            return;
        }
        it->second.open = false;
        it->second.ended = true;
        it->second.driver = nullptr;
        ended_order_.push_back(id);
        forget_beyond_capacity();
    }
    changed_.notify_all();
}

void ConnectionJournal::forget_beyond_capacity() {
    while (ended_order_.size() > capacity_) {
        const std::size_t oldest = ended_order_.front();
        ended_order_.pop_front();
        entries_.erase(oldest);
        // An untaken handle of a forgotten connection would hand out nothing but its id.
        const auto untaken = std::find(untaken_.begin(), untaken_.end(), oldest);
        if (untaken != untaken_.end()) {
            untaken_.erase(untaken);
        }
    }
}

void ConnectionJournal::detach() {
    {
        const std::lock_guard lock(mutex_);
        for (auto& [id, entry] : entries_) {
            entry.driver = nullptr;
            entry.open = false;
            entry.ended = true;
        }
    }
    changed_.notify_all();
}

std::shared_ptr<const RecordedConnection> ConnectionJournal::pin(std::size_t id) const {
    {
        const std::lock_guard lock(mutex_);
        const auto it = entries_.find(id);
        if (it != entries_.end()) {
            return it->second.recorded;
        }
    }
    auto forgotten = std::make_shared<RecordedConnection>();
    forgotten->id = id;
    return forgotten;
}

RecordedConnection ConnectionJournal::copy(const RecordedConnection& pinned) const {
    const std::lock_guard lock(mutex_);
    return pinned;
}

std::vector<RecordedConnection> ConnectionJournal::connections() const {
    const std::lock_guard lock(mutex_);
    std::vector<RecordedConnection> recorded;
    recorded.reserve(entries_.size());
    for (const auto& [id, entry] : entries_) {
        recorded.push_back(*entry.recorded);
    }
    return recorded;
}

std::size_t ConnectionJournal::recorded_count() const {
    const std::lock_guard lock(mutex_);
    return next_id_ - 1;
}

bool ConnectionJournal::wait_for_connections(std::size_t count, Clock::time_point deadline) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] { return next_id_ - 1 >= count; });
}

bool ConnectionJournal::wait_for_messages(std::size_t id, std::size_t count,
                                          Clock::time_point deadline) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] {
        const auto it = entries_.find(id);
        return it != entries_.end() && it->second.recorded->received.size() >= count;
    });
}

bool ConnectionJournal::wait_for_messages(const RecordedConnection& pinned, std::size_t count,
                                          Clock::time_point deadline) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, deadline, [&] { return pinned.received.size() >= count; });
}

// `matches` is the test's code: it runs on copies, outside the mutex, so it may call the double.
std::optional<std::string> ConnectionJournal::wait_for_message(
    const RecordedConnection& pinned, const std::function<bool(const std::string&)>& matches,
    Clock::time_point deadline) const {
    std::size_t checked = 0;
    std::unique_lock lock(mutex_);
    for (;;) {
        if (checked < pinned.received.size()) {
            const auto first_unchecked =
                pinned.received.begin() + static_cast<std::ptrdiff_t>(checked);
            const std::vector<std::string> unchecked(first_unchecked, pinned.received.end());
            checked = pinned.received.size();
            lock.unlock();
            for (const std::string& message : unchecked) {
                if (matches(message)) {
                    return message;
                }
            }
            lock.lock();
            continue;  // messages may have come while the lock was free
        }
        if (Clock::now() >= deadline) {
            return std::nullopt;
        }
        changed_.wait_until(lock, deadline);
    }
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
    const auto it = entries_.find(id);
    if (it == entries_.end() || !open_for_frames(it->second) || !it->second.driver) {
        return false;
    }
    it->second.driver(std::move(command));
    return true;
}

bool ConnectionJournal::is_open(std::size_t id) const {
    const std::lock_guard lock(mutex_);
    const auto it = entries_.find(id);
    return it != entries_.end() && open_for_frames(it->second);
}

// After the client's close frame nothing more can be sent; the TCP connection may linger (a
// blocking client reads the double's FIN only on its next call).
bool ConnectionJournal::open_for_frames(const Entry& entry) {
    return entry.open && !entry.recorded->client_close_code;
}

bool ConnectionJournal::is_ended(std::size_t id) const {
    const auto it = entries_.find(id);
    return it == entries_.end() || it->second.ended;
}

std::optional<int> ConnectionJournal::wait_closed(const RecordedConnection& pinned,
                                                  Clock::time_point deadline) const {
    std::unique_lock lock(mutex_);
    // The client's close frame answers the question; its TCP side may stay open a while longer.
    if (!changed_.wait_until(lock, deadline, [&] {
            return is_ended(pinned.id) || pinned.client_close_code.has_value();
        })) {
        return std::nullopt;
    }
    return pinned.client_close_code.value_or(1006);
}

}  // namespace goldenpath::detail
