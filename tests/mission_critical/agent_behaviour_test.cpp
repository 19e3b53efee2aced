// The server double is mockable like the client: MockAgentBehaviour sees what the server received.
#include "goldenpath/fixtures/mock_agent_behaviour.hpp"  // first: the header is self-contained

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/in_memory_connection.hpp"

namespace goldenpath {
namespace {

using fixtures::FailsWith;
using fixtures::FollowsGoldenPath;
using fixtures::MockAgentBehaviour;
using testing::_;
using testing::AllOf;
using testing::ElementsAre;
using testing::Field;
using testing::HasSubstr;
using testing::Return;
using testing::StrictMock;
using testing::Throw;

JourneyOptions journey_to(const std::string& url, std::string token) {
    JourneyOptions options;
    options.config.url = Url::parse(url);
    options.config.tokens = {Secret(std::move(token))};
    options.config.timeouts.first_event = Milliseconds(300);
    options.config.timeouts.completion = Milliseconds(2000);
    options.message = "Where is order 42?";
    return options;
}

TEST(AgentBehaviourTest, MockSeesHandshakeAndStartMessageAndAnswersWithAScript) {
    auto behaviour = std::make_shared<StrictMock<MockAgentBehaviour>>();
    AgentServerDoubleOptions options;
    options.tokens = {"tok-behaviour"};
    options.behaviour = behaviour;
    AgentServerDouble server(options);

    EXPECT_CALL(
        *behaviour,
        on_message(AllOf(testing::ResultOf(
                             "its Authorization header",
                             [](const RecordedConnection& c) { return c.header("Authorization"); },
                             "Bearer tok-behaviour"),
                         Field(&RecordedConnection::received, ElementsAre(_))),
                   AllOf(HasSubstr("\"user_message\""), HasSubstr("Where is order 42?"))))
        .WillOnce(Return(Script::golden_path()));

    EXPECT_THAT(GoldenPathJourney(journey_to(server.url(), "tok-behaviour")).run(),
                FollowsGoldenPath());
}

TEST(AgentBehaviourTest, SilentBehaviourIsTimeoutFirstEvent) {
    auto behaviour = std::make_shared<StrictMock<MockAgentBehaviour>>();
    AgentServerDoubleOptions options;
    options.behaviour = behaviour;
    AgentServerDouble server(options);
    EXPECT_CALL(*behaviour, on_message(_, _)).WillOnce(Return(std::nullopt));

    EXPECT_THAT(GoldenPathJourney(journey_to(server.url(), "unused")).run(),
                FailsWith(FailureKind::timeout, "timeout(first_event)"));
}

TEST(AgentBehaviourTest, ThrowingBehaviourClosesWith1011) {
    auto behaviour = std::make_shared<StrictMock<MockAgentBehaviour>>();
    AgentServerDoubleOptions options;
    options.behaviour = behaviour;
    AgentServerDouble server(options);
    EXPECT_CALL(*behaviour, on_message(_, _)).WillOnce(Throw(std::runtime_error("no")));

    EXPECT_THAT(GoldenPathJourney(journey_to(server.url(), "unused")).run(),
                FailsWith(FailureKind::closed, "closed(1011)"));
}

TEST(AgentBehaviourTest, InMemoryConnectionAsksTheSameBehaviour) {
    auto behaviour = std::make_shared<StrictMock<MockAgentBehaviour>>();
    AgentServerDoubleOptions options;
    options.behaviour = behaviour;
    EXPECT_CALL(*behaviour, on_message(_, HasSubstr("Where is order 42?")))
        .WillOnce(Return(Script::with_tools(2)));

    auto journey = journey_to("ws://in-memory.test:80/ws", "unused");
    journey.client_factory = [options] { return std::make_unique<InMemoryConnection>(options); };
    EXPECT_THAT(GoldenPathJourney(std::move(journey)).run(), FollowsGoldenPath());
}

}  // namespace
}  // namespace goldenpath
