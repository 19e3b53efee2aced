// The double's cost per message is constant and its memory bounded (issue 13, item 9), measured:
// CPU time for N and 4N start messages on one connection, the heap after 20 000 connections came
// and went, and the heap while a client that never reads sends start messages. Numbers are
// printed for the issue note; label `soak`.
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>

#include <malloc.h>
#include <sys/resource.h>

#include <gtest/gtest.h>

#include "../mission_critical/raw_websocket_client.hpp"
#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/server_connection.hpp"

namespace goldenpath {
namespace {

using namespace std::chrono_literals;
using testing_support::RawWebSocketClient;
using testing_support::start_message;

double cpu_seconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    const auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::size_t heap_in_use() {
    return mallinfo2().uordblks;
}

// CPU seconds (process: client and double) for `messages` start messages on one connection,
// each answered with the golden path (5 events), read by the client in batches.
double cpu_for_start_messages(std::size_t messages) {
    AgentServerDouble server;
    RawWebSocketClient client(server.port(), "/ws", Clock::now() + 2s);
    const auto deadline = Clock::now() + 20s;
    const double before = cpu_seconds();
    constexpr std::size_t kBatch = 100;
    std::size_t expected_frames = 1;  // connection_established
    for (std::size_t sent = 0; sent < messages && Clock::now() < deadline; sent += kBatch) {
        for (std::size_t i = 0; i < kBatch; ++i) {
            EXPECT_TRUE(client.send_text(start_message(sent + i), deadline));
        }
        expected_frames += 5 * kBatch;
        EXPECT_EQ(client.read_frames(expected_frames, deadline), expected_frames);
    }
    return cpu_seconds() - before;
}

TEST(ServerDoubleBoundsSoak, CpuTimePerStartMessageIsConstant) {
    const double small = cpu_for_start_messages(2000);
    const double large = cpu_for_start_messages(8000);
    std::printf(
        "cpu for 2000 start messages: %.3f s, for 8000: %.3f s (ratio %.1f; linear 4, "
        "quadratic 16)\n",
        small, large, large / small);
    EXPECT_LT(large / small, 8.0) << "4x the messages must cost about 4x the CPU, not 16x";
}

TEST(ServerDoubleBoundsSoak, TenThousandConnectionsThatComeAndGoLeaveTheHeapBounded) {
    AgentServerDouble server;
    const auto connect_and_leave = [&server](std::size_t count) {
        for (std::size_t i = 0; i < count; ++i) {
            RawWebSocketClient client(server.port(), "/ws", Clock::now() + 2s);
        }
        std::shared_ptr<ServerConnection> last;
        while (auto handle = server.wait_for_connection(Clock::now())) {
            last = handle;
        }
        ASSERT_NE(last, nullptr);
        ASSERT_TRUE(last->wait_closed(Clock::now() + 2s).has_value());
    };
    connect_and_leave(1000);  // warm up: the journal full, allocator pools in use
    const std::size_t before = heap_in_use();
    connect_and_leave(10000);
    const std::size_t after = heap_in_use();
    std::printf(
        "heap in use after 1000 connections: %zu bytes, after 10 000 more: %zu bytes "
        "(%+.1f MB); journal holds %zu\n",
        before, after, (static_cast<double>(after) - static_cast<double>(before)) / 1e6,
        server.connections().size());
    EXPECT_LE(server.connections().size(), 1000U);
    EXPECT_LT(after, before + 4U * 1024U * 1024U)
        << "connections that ended must not keep memory beyond the journal's 1000";
}

TEST(ServerDoubleBoundsSoak, AClientThatNeverReadsAndSendsStartMessagesHoldsBoundedMemory) {
    const std::size_t before = heap_in_use();
    AgentServerDouble server;
    RawWebSocketClient client(server.port(), "/ws", Clock::now() + 2s, 4096);
    const auto start = Clock::now();
    std::size_t sent = 0;
    const double cpu_before = cpu_seconds();
    for (; sent < 20000 && Clock::now() < start + 10s; ++sent) {
        // Back-pressure: once the double stops reading, sends stall and the client gives up.
        if (!client.send_text(start_message(sent, 256), Clock::now() + 300ms)) {
            break;
        }
    }
    const double cpu = cpu_seconds() - cpu_before;
    const std::size_t during = heap_in_use();
    const auto peak = server.connections().at(0).peak_outgoing_bytes;
    std::printf(
        "never-reading client sent %zu start messages in %.1f s (cpu %.2f s); heap grew "
        "%+.1f MB; peak outgoing queue %zu bytes\n",
        sent, std::chrono::duration<double>(Clock::now() - start).count(), cpu,
        (static_cast<double>(during) - static_cast<double>(before)) / 1e6, peak);
    EXPECT_LT(during, before + 24U * 1024U * 1024U);
    EXPECT_LE(peak, (1U << 20U) + 4096U);
}

}  // namespace
}  // namespace goldenpath
