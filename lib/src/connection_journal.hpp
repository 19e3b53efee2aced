#pragma once
// What an AgentServerDouble recorded of its connections, shared with the ServerConnection
// handles so a handle may outlive its double. The double's io thread writes (always under the
// mutex); any thread reads and waits under the mutex. The io thread may also read a recording
// without the mutex through live(), since nobody else writes it. Internal: not installed.
//
// Bounded: open connections are always kept, and of the ended ones the last `capacity`; older
// ones are forgotten (a handle keeps its own connection's recording alive).

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "goldenpath/clock.hpp"
#include "goldenpath/recorded_connection.hpp"
#include "outgoing_queue.hpp"

namespace goldenpath::detail {

// Something a handle asks its connection to do: the frames the connection queues.
struct ConnectionCommand {
    using Kind = OutgoingFrame::Kind;
    Kind kind = Kind::text;
    std::string payload;  // frame, ping payload or close reason
    int close_code = 1000;
};

// Carries a command to the connection's session on the io thread.
using ConnectionDriver = std::function<void(ConnectionCommand)>;

class ConnectionJournal {
  public:
    explicit ConnectionJournal(std::size_t capacity = 1000);

    // ---- io thread
    // The id record() will give the next connection.
    std::size_t next_id() const;
    // Records a connection's handshake; returns its id (1-based).
    std::size_t record(RecordedConnection connection);
    // The recording of connection `id` as it is now and will be, for reading on the io thread
    // without a copy; nullptr when forgotten.
    std::shared_ptr<const RecordedConnection> live(std::size_t id) const;
    template <class Edit>
    void update(std::size_t id, Edit edit) {
        {
            const std::lock_guard lock(mutex_);
            const auto it = entries_.find(id);
            if (it == entries_.end()) {
                return;
            }
            edit(*it->second.recorded);
        }
        changed_.notify_all();
    }
    // The upgrade completed: the connection is open and drivable, and when `hand_out` it is
    // handed out by take_opened() in this order.
    void opened(std::size_t id, ConnectionDriver driver, bool hand_out);
    // The connection ended (idempotent).
    void ended(std::size_t id);
    // The server stopped (its thread joined): every connection counts as ended and commands go
    // nowhere from now on.
    void detach();

    // ---- any thread
    // The recording of `id` for a handle to keep; an empty one (but for the id) when forgotten.
    std::shared_ptr<const RecordedConnection> pin(std::size_t id) const;
    RecordedConnection copy(const RecordedConnection& pinned) const;
    std::vector<RecordedConnection> connections() const;
    // Connections recorded so far, forgotten ones included.
    std::size_t recorded_count() const;
    bool wait_for_connections(std::size_t count, Clock::time_point deadline) const;
    bool wait_for_messages(std::size_t id, std::size_t count, Clock::time_point deadline) const;
    bool wait_for_messages(const RecordedConnection& pinned, std::size_t count,
                           Clock::time_point deadline) const;
    // Calls `matches` on copies, without the mutex: it may call back into the journal.
    std::optional<std::string> wait_for_message(
        const RecordedConnection& pinned, const std::function<bool(const std::string&)>& matches,
        Clock::time_point deadline) const;
    // The id of the next opened connection nobody took yet; nullopt at `deadline`.
    std::optional<std::size_t> take_opened(Clock::time_point deadline);
    // False when the connection is not open (or the server stopped).
    bool command(std::size_t id, ConnectionCommand command);
    bool is_open(std::size_t id) const;
    std::optional<int> wait_closed(const RecordedConnection& pinned,
                                   Clock::time_point deadline) const;

  private:
    struct Entry {
        std::shared_ptr<RecordedConnection> recorded;
        bool open = false;
        bool ended = false;
        ConnectionDriver driver;
    };
    // Call with the mutex held.
    bool is_ended(std::size_t id) const;
    static bool open_for_frames(const Entry& entry);
    void forget_beyond_capacity();

    const std::size_t capacity_;
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::size_t next_id_ = 1;
    std::map<std::size_t, Entry> entries_;
    std::deque<std::size_t> ended_order_;  // ended connections still kept, oldest first
    std::deque<std::size_t> untaken_;      // opened connections not handed out yet, in order
};

}  // namespace goldenpath::detail
