// The double stays bounded whatever a client does (issue 13, item 9): a bounded outgoing queue
// with back-pressure, 1008 for a handle that overfills it, and a bounded connection journal.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/script.hpp"
#include "goldenpath/server_connection.hpp"
#include "raw_websocket_client.hpp"
#include "transport_test_support.hpp"

namespace goldenpath {
namespace {

using namespace std::chrono_literals;
using testing_support::RawWebSocketClient;
using testing_support::start_message;

constexpr std::size_t kLimit = 64U * 1024U;
constexpr std::size_t kFrame = 32U * 1024U;
constexpr std::size_t kFrames = 400;  // 12.8 MB: far more than the limit and the socket buffers
constexpr std::size_t kScriptFrames = 64;  // 2 MB: a run queues them all at once unless paused

AgentServerDoubleOptions big_script_options() {
    AgentServerDoubleOptions options;
    options.max_outgoing_bytes = kLimit;
    options.send_connection_established = false;
    Script script;
    for (std::size_t i = 0; i < kScriptFrames; ++i) {
        script.send_raw(std::string(kFrame, static_cast<char>('a' + i % 26)));
    }
    options.script = std::move(script);
    return options;
}

TEST(ServerDoubleLimits, ARunPausesAtTheOutgoingLimitAndLosesNoFrame) {
    AgentServerDouble server(big_script_options());
    RawWebSocketClient client(server.port(), "/ws", Clock::now() + 1s);
    ASSERT_TRUE(client.send_text(start_message(1), Clock::now() + 1s));

    EXPECT_EQ(client.read_frames(kScriptFrames, Clock::now() + 3s), kScriptFrames)
        << "every frame of the paused run must arrive once the client reads";
    const auto recorded = server.connections().at(0);
    // The run queues up to the limit at once, then waits for writes: never the whole script.
    EXPECT_GE(recorded.peak_outgoing_bytes, kLimit);
    EXPECT_LE(recorded.peak_outgoing_bytes, kLimit + kFrame + 1024)
        << "the outgoing queue must hold at most the limit and one frame";
}

TEST(ServerDoubleLimits, AHandleSendingIntoAFullQueueClosesTheConnectionWith1008) {
    AgentServerDoubleOptions options;
    options.max_outgoing_bytes = kLimit;
    options.send_connection_established = false;
    // The client never reads, so the close frame never leaves the full queue: the double drops
    // the connection once its close grace is over.
    options.close_grace = test::kUnansweredCloseGrace;
    AgentServerDouble server(options);
    RawWebSocketClient client(server.port(), "/ws", Clock::now() + 1s, 4096);  // never reads
    const auto connection = server.wait_for_connection(Clock::now() + 1s);
    ASSERT_NE(connection, nullptr);

    for (std::size_t i = 0; i < kFrames && connection->send_text(std::string(kFrame, 'x')); ++i) {
    }
    EXPECT_TRUE(connection->wait_closed(Clock::now() + 2s).has_value())
        << "a connection whose client never reads must be closed, not grow its queue without "
           "bound";
    EXPECT_LE(server.connections().at(0).peak_outgoing_bytes, kLimit + kFrame + 1024);
}

TEST(ServerDoubleLimits, AClientThatSendsWithoutEndIsAnsweredButRecordedBoundedly) {
    AgentServerDoubleOptions options;
    options.max_recorded_messages = 10;
    options.send_connection_established = false;
    AgentServerDouble server(options);
    RawWebSocketClient client(server.port(), "/ws", Clock::now() + 1s);
    for (int i = 0; i < 50; ++i) {
        ASSERT_TRUE(client.send_text(R"({"type":"heartbeat"})", Clock::now() + 1s));
    }
    ASSERT_TRUE(client.send_text(start_message(1), Clock::now() + 1s));
    // The run's five events come after every earlier message was handled, in order.
    ASSERT_EQ(client.read_frames(5, Clock::now() + 2s), 5U) << "the start message past the limit "
                                                               "must still be answered";
    const auto recorded = server.connections().at(0);
    EXPECT_EQ(recorded.received.size(), 10U);
    EXPECT_EQ(recorded.received_omitted, 41U);
}

TEST(ServerDoubleLimits, TheJournalKeepsTheLastEndedConnectionsAndHandlesKeepTheirOwn) {
    AgentServerDoubleOptions options;
    options.journal_capacity = 3;
    AgentServerDouble server(options);
    std::shared_ptr<ServerConnection> first;
    for (int i = 0; i < 5; ++i) {
        {
            RawWebSocketClient client(server.port(), "/ws?n=" + std::to_string(i),
                                      Clock::now() + 1s);
        }  // closed: the double sees EOF and the connection ends
        auto handle = server.wait_for_connection(Clock::now() + 1s);
        ASSERT_NE(handle, nullptr);
        ASSERT_TRUE(handle->wait_closed(Clock::now() + 1s).has_value());
        if (!first) {
            first = handle;
        }
    }
    const auto kept = server.connections();
    ASSERT_EQ(kept.size(), 3U) << "journal_capacity 3 keeps the last three ended connections";
    EXPECT_EQ(kept.front().id, 3U);
    EXPECT_EQ(kept.back().id, 5U);
    EXPECT_TRUE(server.wait_for_connections(5, Clock::now()))
        << "forgotten connections still count as recorded";
    EXPECT_EQ(first->handshake().target, "/ws?n=0") << "a handle keeps its own recording";
}

}  // namespace
}  // namespace goldenpath
