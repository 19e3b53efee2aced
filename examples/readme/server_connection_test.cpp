// README example: per-connection handles on AgentServerDouble, and reconnection scripting.
// [readme:server_connection]
#include <gtest/gtest.h>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/beast_client.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/server_connection.hpp"

using namespace goldenpath;

TEST(Handles, DriveAConnectionWhoseScriptIsSilent) {
    AgentServerDoubleOptions server_options;
    server_options.script = Script().stall();
    AgentServerDouble server(server_options);
    BeastClient client;
    ConnectRequest request;
    request.url = Url::parse(server.url());
    ASSERT_FALSE(client.connect(request));
    auto connection = server.wait_for_connection(Clock::now() + Milliseconds(1000));
    ASSERT_NE(connection, nullptr);
    EXPECT_EQ(connection->handshake().target, "/ws");
    connection->ping("still there?");  // answered by the client, never returned by receive()
    connection->send_text(R"({"type":"heartbeat"})");
    connection->close(4001, "maintenance");
    ReceiveResult received;
    do {  // connection_established, the heartbeat, then the close
        received = client.receive(Clock::now() + Milliseconds(1000));
    } while (received.status == ReceiveResult::Status::frame);
    EXPECT_EQ(received.close.code, 4001);
    EXPECT_EQ(connection->wait_closed(Clock::now() + Milliseconds(1000)), 4001);  // echoed
}

TEST(Reconnect, TwoDroppedUpgradesThenTheGoldenPath) {
    AgentServerDoubleOptions server_options;
    server_options.upgrade_fault_for = [](const RecordedConnection& connection) {
        return connection.id <= 2 ? UpgradeFault::reset : UpgradeFault::none;
    };
    AgentServerDouble server(server_options);
    JourneyOptions options;
    options.config.url = Url::parse(server.url());
    options.config.retry.max_attempts = 3;
    options.config.retry.initial_backoff = Milliseconds(40);
    EXPECT_TRUE(GoldenPathJourney(options).run().passed());
    const auto connections = server.connections();
    ASSERT_EQ(connections.size(), 3u);  // two dropped attempts, then the good one
    EXPECT_GE(connections[1].accepted_at - connections[0].accepted_at, Milliseconds(32));
}
// [end]

// [readme:server_double_wait_closed]
TEST(CloseCodes, TheDoubleRecordsWhatTheClientSent) {
    AgentServerDoubleOptions server_options;
    server_options.script = Script().close(4003, "run cancelled");
    AgentServerDouble server(server_options);
    BeastClient client;
    ConnectRequest request;
    request.url = Url::parse(server.url());
    ASSERT_FALSE(client.connect(request));
    ASSERT_FALSE(client.send_text(default_profile().start_message("hi", "thread-1", "run-1")));
    ReceiveResult received;
    do {  // connection_established, then the double's close, which the client answers
        received = client.receive(Clock::now() + Milliseconds(1000));
    } while (received.status == ReceiveResult::Status::frame);
    EXPECT_EQ(received.close.code, 4003);
    // The answer reaches the double after receive() returned: wait for it.
    EXPECT_EQ(server.wait_closed(1, Clock::now() + Milliseconds(1000)), 4003);
}
// [end]
