#pragma once
// What an AgentServerDouble recorded of its connections, shared with the ServerConnection
// handles so a handle may outlive its double. The double's io thread writes; any thread reads
// and waits. Internal: not installed.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "goldenpath/clock.hpp"
#include "goldenpath/recorded_connection.hpp"

namespace goldenpath::detail {

// Something a handle asks its connection to do.
struct ConnectionCommand {
    enum class Kind { text, binary, ping, close, reset };
    Kind kind = Kind::text;
    std::string payload;  // frame, ping payload or close reason
    int close_code = 1000;
};

// Carries a command to the connection's session on the io thread.
using ConnectionDriver = std::function<void(ConnectionCommand)>;

class ConnectionJournal {
  public:
    // ---- io thread
    // The id record() will give the next connection.
    std::size_t next_id() const;
    // Records a connection's handshake; returns its id (1-based).
    std::size_t record(RecordedConnection connection);
    template <class Edit>
    void update(std::size_t id, Edit edit) {
        {
            const std::lock_guard lock(mutex_);
            edit(entries_.at(id - 1).recorded);
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
    RecordedConnection snapshot(std::size_t id) const;
    std::vector<RecordedConnection> connections() const;
    bool wait_for_connections(std::size_t count, Clock::time_point deadline) const;
    bool wait_for_messages(std::size_t id, std::size_t count, Clock::time_point deadline) const;
    std::optional<std::string> wait_for_message(
        std::size_t id, const std::function<bool(const std::string&)>& matches,
        Clock::time_point deadline) const;
    // The id of the next opened connection nobody took yet; nullopt at `deadline`.
    std::optional<std::size_t> take_opened(Clock::time_point deadline);
    // False when the connection is not open (or the server stopped).
    bool command(std::size_t id, ConnectionCommand command);
    bool is_open(std::size_t id) const;
    std::optional<int> wait_closed(std::size_t id, Clock::time_point deadline) const;

  private:
    struct Entry {
        RecordedConnection recorded;
        bool open = false;
        bool ended = false;
        ConnectionDriver driver;
    };

    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::vector<Entry> entries_;
    std::deque<std::size_t> untaken_;  // opened connections not handed out yet, in order
};

}  // namespace goldenpath::detail
