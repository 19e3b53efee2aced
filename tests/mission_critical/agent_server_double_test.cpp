// AgentServerDouble: what it records, how it runs scripts, concurrency and shutdown.
#include "goldenpath/agent_server_double.hpp"  // first: the header is self-contained

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "goldenpath/beast_client.hpp"
#include "goldenpath/config_error.hpp"
#include "goldenpath/protocol_profile.hpp"
#include "goldenpath/script.hpp"
#include "goldenpath/url.hpp"
#include "transport_test_support.hpp"

namespace goldenpath {
namespace {

using namespace std::chrono_literals;
using namespace goldenpath::test;
using testing::ElementsAre;
using testing::HasSubstr;

std::vector<std::string> event_types(const Script& script) {
    std::vector<std::string> types;
    for (const auto& step : script.steps()) {
        if (step.kind == ScriptStep::Kind::event) {
            types.push_back(step.event.value("type", ""));
        }
    }
    return types;
}

TEST(AgentServerDouble, RecordsTheUpgradeHeadersSubprotocolsAndTarget) {
    const AgentServerDouble server;
    auto request = request_for(server.url() + "?tenant=acme");
    request.headers.emplace_back("Origin", "https://app.example");
    request.headers.emplace_back("X-Trace", "abc-123");
    request.subprotocols = {"chat.v1", "jwt-auth.xyz"};
    BeastClient client;
    ASSERT_TRUE(ok(client.connect(request)));
    ASSERT_TRUE(server.wait_for_connections(1, Clock::now() + kWait));

    const auto connections = server.connections();
    ASSERT_EQ(connections.size(), 1U);
    const RecordedConnection& recorded = connections[0];
    EXPECT_EQ(recorded.id, 1U);
    EXPECT_EQ(recorded.target, "/ws?tenant=acme");
    EXPECT_EQ(recorded.header("origin"), "https://app.example");
    EXPECT_EQ(recorded.header("X-TRACE"), "abc-123");
    EXPECT_EQ(recorded.header("absent"), "");
    EXPECT_THAT(recorded.offered_subprotocols, ElementsAre("chat.v1", "jwt-auth.xyz"));
    EXPECT_EQ(recorded.selected_subprotocol, "chat.v1");
    EXPECT_EQ(client.selected_subprotocol(), "chat.v1");
    EXPECT_TRUE(recorded.upgraded);
    EXPECT_EQ(recorded.rejected_status, 0);
}

TEST(AgentServerDouble, RecordsReceivedMessagesInOrderAndTheClientCloseCode) {
    AgentServerDouble server;
    BeastClient client;
    ASSERT_TRUE(ok(client.connect(request_for(server.url()))));
    ASSERT_TRUE(ok(client.send_text("one")));
    ASSERT_TRUE(ok(client.send_text(R"({"type":"heartbeat"})")));
    ASSERT_TRUE(ok(client.send_text("three")));
    ASSERT_TRUE(server.wait_for_messages(1, 3, Clock::now() + kWait));
    EXPECT_FALSE(server.wait_for_messages(1, 4, Clock::now() + 20ms));
    EXPECT_THAT(server.connections()[0].received,
                ElementsAre("one", R"({"type":"heartbeat"})", "three"));

    client.close(4000, "bye", Clock::now() + kWait);
    server.stop();  // joins: everything the server saw is recorded
    EXPECT_EQ(server.connections()[0].client_close_code, std::optional<int>(4000));
}

// No stop(), no wait: the server records the client's close frame before it answers it, and the
// client's close() returns only once the answer arrived (issue 14 item 7).
TEST(AgentServerDouble, TheClientsCloseCodeIsRecordedWhenTheClientsCloseReturns) {
    AgentServerDouble server;
    BeastClient client;
    ASSERT_TRUE(ok(client.connect(request_for(server.url()))));
    ASSERT_TRUE(server.wait_for_connections(1, Clock::now() + kWait));

    client.close(4002, "bye", Clock::now() + kWait);
    const auto connections = server.connections();
    ASSERT_EQ(connections.size(), 1U);
    EXPECT_EQ(connections[0].client_close_code, std::optional<int>(4002));
}

// The server closes first: the blocking client answers inside receive(), and wait_closed() is
// how a test waits for that answer to be recorded.
TEST(AgentServerDouble, WaitClosedReturnsTheClientsAnswerToTheServersClose) {
    AgentServerDoubleOptions options;
    options.script = Script().close(4003, "server done");
    AgentServerDouble server(options);
    BeastClient client;
    ASSERT_TRUE(ok(client.connect(request_for(server.url()))));
    ASSERT_TRUE(ok(client.send_text(default_profile().start_message("hi", "t", "r"))));
    EXPECT_EQ(server.wait_closed(1, Clock::now() + 20ms), std::nullopt) << "still open";

    ReceiveResult result;
    for (int i = 0; i < 3 && result.status != ReceiveResult::Status::closed; ++i) {
        result = client.receive(Clock::now() + kWait);  // connection_established, then the close
    }
    ASSERT_EQ(result.status, ReceiveResult::Status::closed);
    EXPECT_EQ(result.close.code, 4003);
    EXPECT_EQ(server.wait_closed(1, Clock::now() + kWait), std::optional<int>(4003));
}

TEST(AgentServerDouble, RejectedUpgradesAreRecordedWithTheirStatus) {
    AgentServerDoubleOptions options;
    options.tokens = {"secret"};
    const AgentServerDouble server(options);
    BeastClient client;
    ASSERT_FALSE(ok(client.connect(request_for(server.url()))));
    const auto connections = server.connections();
    ASSERT_EQ(connections.size(), 1U);
    EXPECT_FALSE(connections[0].upgraded);
    EXPECT_EQ(connections[0].rejected_status, 401);
}

TEST(AgentServerDouble, ScriptForChoosesTheScriptPerConnection) {
    AgentServerDoubleOptions options;
    options.script_for = [](const RecordedConnection& connection) {
        if (connection.header("X-Scenario") == "crash") {
            return Script().send_raw("crashing").close(1011, "crash scenario");
        }
        return Script::golden_path();
    };
    const AgentServerDouble server(options);
    const auto start = default_profile().start_message("hi", "t", "r");

    auto crash_request = request_for(server.url());
    crash_request.headers.emplace_back("X-Scenario", "crash");
    BeastClient crash;
    ASSERT_TRUE(ok(crash.connect(crash_request)));
    BeastClient normal;
    ASSERT_TRUE(ok(normal.connect(request_for(server.url()))));
    receive_json(crash);
    receive_json(normal);
    ASSERT_TRUE(ok(crash.send_text(start)));
    ASSERT_TRUE(ok(normal.send_text(start)));

    const auto first = crash.receive(Clock::now() + kWait);
    ASSERT_EQ(first.status, ReceiveResult::Status::frame);
    EXPECT_EQ(first.frame.text, "crashing");
    const auto closed = crash.receive(Clock::now() + kWait);
    ASSERT_EQ(closed.status, ReceiveResult::Status::closed);
    EXPECT_EQ(closed.close.code, 1011);
    EXPECT_EQ(closed.close.reason, "crash scenario");
    EXPECT_EQ(receive_json(normal).value("type", ""), "agent_started");
}

TEST(AgentServerDouble, DelayStepHoldsBackTheNextFrame) {
    AgentServerDoubleOptions options;
    options.script = Script().send_raw("before").delay(120ms).send_raw("after");
    const AgentServerDouble server(options);
    BeastClient client;
    ASSERT_TRUE(ok(client.connect(request_for(server.url()))));
    receive_json(client);
    // Measured from the start message: the timer cannot start before the server has it, while
    // the gap between the two frames' arrivals shrinks when "before" is delivered late.
    const auto sent = Clock::now();
    ASSERT_TRUE(ok(client.send_text(default_profile().start_message("hi", "t", "r"))));
    const auto before = client.receive(Clock::now() + kWait);
    const auto after = client.receive(Clock::now() + kWait);
    ASSERT_EQ(before.status, ReceiveResult::Status::frame);
    ASSERT_EQ(after.status, ReceiveResult::Status::frame);
    EXPECT_EQ(before.frame.text, "before");
    EXPECT_EQ(after.frame.text, "after");
    EXPECT_GE(after.frame.arrival - sent, 120ms);
}

TEST(AgentServerDouble, EventsKeepIdsTheScriptSetAndProfilesWithoutContainersPutDetailsAtRoot) {
    ProtocolProfile flat = default_profile();
    flat.detail_containers.clear();
    flat.start_container.clear();
    flat.start_type = "chat_message";
    AgentServerDoubleOptions options;
    options.profile = flat;
    options.send_connection_established = false;
    options.script = Script::golden_path(flat).drop_event(4).drop_event(3).drop_event(2).event(
        {{"type", "agent_completed"}, {"final_response", "ok"}, {"run_id", "server-run"}});
    const AgentServerDouble server(options);
    BeastClient client;
    ASSERT_TRUE(ok(client.connect(request_for(server.url()))));
    ASSERT_TRUE(ok(client.send_text(flat.start_message("hi", "thread-f", "run-f"))));
    const auto started = receive_json(client);
    EXPECT_EQ(started.value("type", ""), "agent_started");
    EXPECT_EQ(started.value("agent_name", ""), "triage_agent");
    EXPECT_FALSE(started.contains("data"));
    EXPECT_EQ(started.value("run_id", ""), "run-f");
    EXPECT_EQ(receive_json(client).value("reasoning", ""), "Looking up the order");
    const auto completed = receive_json(client);
    EXPECT_EQ(completed.value("run_id", ""), "server-run");
    EXPECT_EQ(completed.value("thread_id", ""), "thread-f");
}

TEST(AgentServerDouble, FiftyConcurrentClientsEachGetTheirOwnRun) {
    constexpr std::size_t kClients = 50;
    const AgentServerDouble server;
    const auto profile = default_profile();
    std::vector<std::unique_ptr<BeastClient>> clients;
    for (std::size_t i = 0; i < kClients; ++i) {
        clients.push_back(std::make_unique<BeastClient>());
        ASSERT_TRUE(ok(clients.back()->connect(request_for(server.url())))) << "client " << i;
    }
    for (std::size_t i = 0; i < kClients; ++i) {
        const auto n = std::to_string(i);
        ASSERT_TRUE(
            ok(clients[i]->send_text(profile.start_message("hi", "thread-" + n, "run-" + n))));
    }
    for (std::size_t i = 0; i < kClients; ++i) {
        const auto n = std::to_string(i);
        EXPECT_EQ(receive_json(*clients[i]).value("type", ""), "connection_established");
        for (int e = 0; e < 5; ++e) {
            const auto event = receive_json(*clients[i]);
            ASSERT_EQ(event.value("run_id", ""), "run-" + n) << event.dump();
            ASSERT_EQ(event.value("thread_id", ""), "thread-" + n);
        }
    }
    EXPECT_TRUE(server.wait_for_connections(kClients, Clock::now() + kWait));
    EXPECT_EQ(server.connections().size(), kClients);
}

TEST(AgentServerDouble, StopWithConnectedClientsIsPromptAndClientsSeeTheClose) {
    AgentServerDoubleOptions options;
    options.close_grace = kUnansweredCloseGrace;  // the clients read the close after stop()
    AgentServerDouble server(options);
    std::vector<std::unique_ptr<BeastClient>> clients;
    for (int i = 0; i < 3; ++i) {
        clients.push_back(std::make_unique<BeastClient>());
        ASSERT_TRUE(ok(clients.back()->connect(request_for(server.url()))));
        receive_json(*clients.back());
    }
    const auto started = Clock::now();
    server.stop();
    EXPECT_LT(Clock::now() - started, 1s);
    server.stop();  // idempotent
    for (auto& client : clients) {
        const auto result = client->receive(Clock::now() + kWait);
        ASSERT_EQ(result.status, ReceiveResult::Status::closed);
        EXPECT_EQ(result.close.code, 1001);
    }
    BeastClient late;
    const auto failure = late.connect(request_for(server.url()));
    ASSERT_TRUE(failure.has_value());
    EXPECT_EQ(failure->kind, FailureKind::refused);
}

TEST(AgentServerDouble, HundredsOfDoublesComeAndGo) {
    for (int i = 0; i < 100; ++i) {
        const AgentServerDouble server;
        ASSERT_NE(server.port(), 0);
    }
}

TEST(AgentServerDouble, BindingAnUnusableAddressThrowsWithTheAddress) {
    AgentServerDoubleOptions options;
    options.host = "not-an-ip";
    try {
        const AgentServerDouble server(options);
        FAIL() << "expected std::runtime_error";
    } catch (const std::runtime_error& error) {
        EXPECT_THAT(error.what(), HasSubstr("not-an-ip"));
    }
    const AgentServerDouble first;
    options.host = "127.0.0.1";
    options.port = first.port();
    try {
        const AgentServerDouble second(options);
        FAIL() << "expected std::runtime_error for a port in use";
    } catch (const std::runtime_error& error) {
        EXPECT_THAT(error.what(), HasSubstr(std::to_string(first.port())));
    }
}

TEST(AgentServerDouble, ACloseGraceOutsideOneMillisecondToOneHourIsAConfigErrorNamingIt) {
    for (const Milliseconds grace : {Milliseconds(0), Milliseconds(-5), Milliseconds(3'600'001)}) {
        AgentServerDoubleOptions options;
        options.close_grace = grace;
        try {
            const AgentServerDouble server(options);
            ADD_FAILURE() << "expected ConfigError for close_grace " << grace.count() << " ms";
        } catch (const ConfigError& error) {
            EXPECT_EQ(error.id(), "goldenpath.server_double");
            EXPECT_EQ(error.field(), "/close_grace_ms");
            EXPECT_EQ(error.requirement(), "must be 1-3600000");
            EXPECT_EQ(error.actual(), std::to_string(grace.count()));
        }
    }
    for (const Milliseconds grace : {Milliseconds(1), Milliseconds(3'600'000)}) {
        AgentServerDoubleOptions options;
        options.close_grace = grace;
        EXPECT_NO_THROW(AgentServerDouble{options}) << grace.count() << " ms";
    }
}

TEST(Script, GoldenPathHasTheFiveEventsWithProfileTypeNames) {
    ProtocolProfile profile = default_profile();
    profile.agent_thinking = "agent_reasoning";
    const Script script = Script::golden_path(profile);
    EXPECT_THAT(event_types(script),
                ElementsAre("agent_started", "agent_reasoning", "tool_executing", "tool_completed",
                            "agent_completed"));
    EXPECT_EQ(script.steps()[3].event["data"]["results"]["status"], "shipped");
    EXPECT_EQ(script.steps()[2].event["data"]["tool_call_id"], "call-1");
}

TEST(Script, WithToolsPairsEveryCall) {
    const Script script = Script::with_tools(2);
    EXPECT_THAT(event_types(script),
                ElementsAre("agent_started", "agent_thinking", "tool_executing", "tool_completed",
                            "tool_executing", "tool_completed", "agent_completed"));
    EXPECT_EQ(script.steps()[4].event["data"]["tool_name"], "tool_2");
    EXPECT_EQ(script.steps()[5].event["data"]["tool_call_id"], "call-2");
}

TEST(Script, EditingHelpersAddressEventsNotSteps) {
    Script script = Script::golden_path().delay(5ms);
    script.insert_before_event(0, ScriptStep{ScriptStep::Kind::stall, {}, {}, 1000, {}});
    script.drop_event(1).duplicate_event(0).swap_events(0, 3);
    EXPECT_THAT(event_types(script),
                ElementsAre("tool_completed", "agent_started", "tool_executing", "agent_started",
                            "agent_completed"));
    EXPECT_EQ(script.steps().front().kind, ScriptStep::Kind::stall);
    EXPECT_EQ(script.steps().back().kind, ScriptStep::Kind::delay);
    script.insert_before_event(99, ScriptStep{});
    EXPECT_EQ(script.event_count(), 6U);
}

TEST(Script, PingResetAndBinaryAreStepsWithTheirPayload) {
    const Script script = Script().ping("hello").send_binary("\x01").reset();
    ASSERT_EQ(script.steps().size(), 3U);
    EXPECT_EQ(script.steps()[0].kind, ScriptStep::Kind::ping);
    EXPECT_EQ(script.steps()[0].text, "hello");
    EXPECT_EQ(script.steps()[1].kind, ScriptStep::Kind::send_binary);
    EXPECT_EQ(script.steps()[1].text, "\x01");
    EXPECT_EQ(script.steps()[2].kind, ScriptStep::Kind::reset);
    EXPECT_EQ(script.event_count(), 0U);
    try {
        Script().ping(std::string(126, 'x'));
        FAIL() << "expected std::invalid_argument for a 126-byte ping payload";
    } catch (const std::invalid_argument& error) {
        EXPECT_THAT(error.what(), HasSubstr("at most 125 bytes, but has 126"));
    }
}

TEST(Script, OutOfRangeEventIndexNamesTheIndexAndTheCount) {
    Script script = Script::golden_path();
    try {
        script.drop_event(7);
        FAIL() << "expected std::out_of_range";
    } catch (const std::out_of_range& error) {
        EXPECT_THAT(error.what(), HasSubstr("7"));
        EXPECT_THAT(error.what(), HasSubstr("5 events"));
    }
    EXPECT_THROW(script.swap_events(0, 5), std::out_of_range);
    EXPECT_THROW(script.duplicate_event(5), std::out_of_range);
    EXPECT_EQ(script.event_count(), 5U);
}

}  // namespace
}  // namespace goldenpath
