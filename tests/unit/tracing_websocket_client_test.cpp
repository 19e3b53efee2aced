#include "goldenpath/fixtures/tracing_websocket_client.hpp"  // first: self-contained

#include <memory>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/in_memory_client.hpp"

namespace goldenpath::fixtures {
namespace {

using testing::AllOf;
using testing::ElementsAre;
using testing::Field;
using testing::HasSubstr;
using testing::Not;
using testing::SizeIs;

constexpr const char* kToken = "tok-trace-secret-42";

auto Frame(FrameDirection direction, FrameOpcode opcode) {
    return AllOf(Field(&TracedFrame::direction, direction), Field(&TracedFrame::opcode, opcode));
}

Script events_then_close() {
    const Script golden_path = Script::golden_path();
    const auto& steps = golden_path.steps();
    Script script(std::vector<ScriptStep>(steps.begin(), steps.begin() + 2));
    script.close(1011, "boom");
    return script;
}

TEST(TracingWebSocketClientTest, RecordsFramesBothWaysWithOpcodeSizeAndOffset) {
    AgentServerDoubleOptions server;
    server.script = events_then_close();
    InMemoryClient connection(server);
    auto trace = std::make_shared<FrameTrace>();
    TracingWebSocketClient client(connection, trace);
    ConnectRequest request;
    request.url = Url::parse("ws://127.0.0.1:1/ws");
    ASSERT_EQ(client.connect(request), std::nullopt);
    const std::string start = default_profile().start_message("hi", "thread-1", "run-1");
    ASSERT_EQ(client.send_text(start), std::nullopt);
    for (int frames = 0; frames < 3; ++frames) {
        ASSERT_EQ(client.receive(Clock::now() + Milliseconds(300)).status,
                  ReceiveResult::Status::frame);
    }
    const auto closed = client.receive(Clock::now() + Milliseconds(300));
    ASSERT_EQ(closed.status, ReceiveResult::Status::closed);
    client.close(1000, "bye", Clock::now() + Milliseconds(300));

    const auto frames = trace->frames();
    EXPECT_THAT(frames, ElementsAre(Frame(FrameDirection::out, FrameOpcode::text),
                                    Frame(FrameDirection::in, FrameOpcode::text),
                                    Frame(FrameDirection::in, FrameOpcode::text),
                                    Frame(FrameDirection::in, FrameOpcode::text),
                                    Frame(FrameDirection::in, FrameOpcode::close),
                                    Frame(FrameDirection::out, FrameOpcode::close)));
    ASSERT_THAT(frames, SizeIs(6));
    EXPECT_EQ(frames[0].payload, start);
    EXPECT_EQ(frames[0].size, start.size());
    EXPECT_THAT(frames[1].payload, HasSubstr("connection_established"));
    EXPECT_THAT(frames[2].payload, HasSubstr("agent_started"));
    EXPECT_EQ(frames[4].close_code, 1011);
    EXPECT_EQ(frames[4].payload, "boom");
    EXPECT_EQ(frames[4].size, 6u);
    EXPECT_EQ(frames[5].close_code, 1000);
    EXPECT_EQ(frames[5].payload, "bye");
    for (std::size_t index = 1; index < frames.size(); ++index) {
        EXPECT_LE(frames[index - 1].offset_ms, frames[index].offset_ms) << "frame #" << index;
    }
}

TEST(TracingWebSocketClientTest, TheConnectSecretsNeverReachTheTrace) {
    AgentServerDoubleOptions server;
    server.tokens = {kToken};
    ScriptStep echo;
    echo.kind = ScriptStep::Kind::send_raw;
    echo.text = std::string(R"({"type":"debug","seen_token":")") + kToken + "\"}";
    server.script = Script::golden_path().insert_before_event(0, echo);
    InMemoryClient connection(server);
    TracingWebSocketClient client(connection, nullptr);  // makes its own trace
    ConnectRequest request;
    request.url = Url::parse(std::string("ws://127.0.0.1:1/ws?token=") + kToken);
    request.headers = {{"Authorization", std::string("Bearer ") + kToken}};
    request.subprotocols = {std::string("jwt-auth.") + kToken};
    request.secrets = {kToken};
    ASSERT_EQ(client.connect(request), std::nullopt);
    ASSERT_EQ(client.send_text(std::string("my token is ") + kToken), std::nullopt);
    ASSERT_EQ(client.send_text(default_profile().start_message("hi", "thread-1", "run-1")),
              std::nullopt);
    while (client.receive(Clock::now() + Milliseconds(300)).status ==
           ReceiveResult::Status::frame) {
    }
    const std::string jsonl = client.trace()->to_jsonl("Suite.Test");
    EXPECT_THAT(jsonl, AllOf(Not(HasSubstr(kToken)), HasSubstr("my token is ***"),
                             HasSubstr(R"(\"seen_token\":\"***\")"), HasSubstr("token=***")));
}

TEST(TracingWebSocketClientTest, TracesEveryClientAJourneyMakes) {
    auto trace = std::make_shared<FrameTrace>();
    JourneyOptions options;
    options.config.url = Url::parse("ws://agents.in-memory:80/ws");
    options.config.tokens = {Secret(kToken)};
    options.config.retry.max_attempts = 1;
    AgentServerDoubleOptions server;
    server.tokens = {kToken};
    options.client_factory = tracing_client_factory(
        trace, [server] { return std::make_unique<InMemoryClient>(server); });
    EXPECT_THAT(GoldenPathJourney(options).run(), FollowsGoldenPath());

    const auto frames = trace->frames();
    ASSERT_THAT(frames, SizeIs(testing::Ge(8u)));  // ready, start, five events, our close
    EXPECT_THAT(frames.front().payload, HasSubstr("connection_established"));
    EXPECT_THAT(frames,
                testing::Contains(AllOf(Frame(FrameDirection::out, FrameOpcode::text),
                                        Field(&TracedFrame::payload, HasSubstr("user_message")))));
    EXPECT_THAT(frames.back(), Frame(FrameDirection::out, FrameOpcode::close));
    EXPECT_THAT(trace->to_jsonl("Suite.Test"),
                AllOf(HasSubstr("agent_completed"), Not(HasSubstr(kToken))));
}

TEST(TracingWebSocketClientTest, ANullInnerClientIsAnError) {
    EXPECT_THROW(TracingWebSocketClient(std::unique_ptr<WebSocketClient>(), nullptr),
                 std::invalid_argument);
}

}  // namespace
}  // namespace goldenpath::fixtures
