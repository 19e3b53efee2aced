// After running out of file descriptors (EMFILE on accept) the double accepts again as soon as
// descriptors are free, and says so once (issue 13, item 9). Its own binary: the test lowers
// RLIMIT_NOFILE and exhausts it, which no other test may share a process with.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "goldenpath/agent_server_double.hpp"
#include "raw_websocket_client.hpp"

namespace goldenpath {
namespace {

using namespace std::chrono_literals;

// Lines the double logged, waitable.
class LogLines {
  public:
    void add(const std::string& line) {
        {
            const std::lock_guard lock(mutex_);
            lines_.push_back(line);
        }
        changed_.notify_all();
    }
    bool wait_for(const std::string& part, Clock::time_point deadline) {
        std::unique_lock lock(mutex_);
        return changed_.wait_until(lock, deadline, [&] { return count_locked(part) > 0; });
    }
    std::size_t count(const std::string& part) {
        const std::lock_guard lock(mutex_);
        return count_locked(part);
    }
    std::string all() {
        const std::lock_guard lock(mutex_);
        std::string text;
        for (const auto& line : lines_) {
            text += line + "\n";
        }
        return text;
    }

  private:
    std::size_t count_locked(const std::string& part) const {
        return static_cast<std::size_t>(std::count_if(
            lines_.begin(), lines_.end(),
            [&](const std::string& line) { return line.find(part) != std::string::npos; }));
    }
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> lines_;
};

// Holds every descriptor the process may still open, until released.
class DescriptorHog {
  public:
    DescriptorHog() {
        ::getrlimit(RLIMIT_NOFILE, &saved_);
        rlimit lowered = saved_;
        lowered.rlim_cur = std::min<rlim_t>(saved_.rlim_cur, 512);
        ::setrlimit(RLIMIT_NOFILE, &lowered);
        for (int i = 0; i < 1024; ++i) {  // bounded by the lowered limit
            const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                exhausted_ = errno == EMFILE;
                break;
            }
            held_.push_back(fd);
        }
    }
    ~DescriptorHog() {
        release();
        ::setrlimit(RLIMIT_NOFILE, &saved_);
    }
    DescriptorHog(const DescriptorHog&) = delete;
    DescriptorHog& operator=(const DescriptorHog&) = delete;

    bool exhausted() const noexcept { return exhausted_; }
    void free_one() {
        ::close(held_.back());
        held_.pop_back();
    }
    void release() {
        for (const int fd : held_) {
            ::close(fd);
        }
        held_.clear();
    }

  private:
    rlimit saved_{};
    std::vector<int> held_;
    bool exhausted_ = false;
};

TEST(AcceptRecovery, AfterRunningOutOfDescriptorsTheDoubleAcceptsAgainAndLogsOnce) {
    LogLines log;
    AgentServerDoubleOptions options;
    options.log = [&log](const std::string& line) { log.add(line); };
    AgentServerDouble server(options);

    int client = -1;
    {
        DescriptorHog hog;
        ASSERT_TRUE(hog.exhausted()) << "the test must run the process out of descriptors";
        hog.free_one();  // for the client's socket; the double finds none for accept()
        client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ASSERT_GE(client, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(server.port());
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ASSERT_EQ(::connect(client, reinterpret_cast<const sockaddr*>(&address), sizeof address),
                  0);  // completes in the backlog
        const std::string request =
            "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        ASSERT_EQ(::send(client, request.data(), request.size(), MSG_NOSIGNAL),
                  static_cast<ssize_t>(request.size()));
        ASSERT_TRUE(log.wait_for("cannot accept", Clock::now() + 2s))
            << "expected the double to log the failed accept, logged:\n"
            << log.all();
    }  // descriptors free again

    EXPECT_TRUE(server.wait_for_connections(1, Clock::now() + 2s))
        << "the double must accept again once descriptors are free; logged:\n"
        << log.all();
    pollfd readable{client, POLLIN, 0};
    EXPECT_EQ(::poll(&readable, 1, 2000), 1) << "the waiting client must get its upgrade answer";
    ::close(client);
    // Fully back: a new client is served too.
    EXPECT_NO_THROW(testing_support::RawWebSocketClient(server.port(), "/ws", Clock::now() + 2s));
    EXPECT_EQ(log.count("cannot accept"), 1U) << "log once, not once per retry:\n" << log.all();
    EXPECT_EQ(log.count("accepting connections again"), 1U) << log.all();
}

}  // namespace
}  // namespace goldenpath
