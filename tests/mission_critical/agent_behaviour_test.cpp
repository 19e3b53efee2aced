// The server double is mockable like the client: MockAgentBehaviour sees what the server received.
#include "goldenpath/fixtures/mock_agent_behaviour.hpp"  // first: the header is self-contained

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/in_memory_client.hpp"

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
    JourneyOptions journey = journey_to(server.url(), "unused");
    journey.config.timeouts.first_event = Milliseconds(150);  // waited out: no event comes

    EXPECT_THAT(GoldenPathJourney(std::move(journey)).run(),
                FailsWith(FailureKind::timeout, "timeout(first_event)"));
}

// A throwing behaviour is a bug of the test's own double: its type and message reach the client
// (close reason), harness_errors() and the log, never lost.
TEST(AgentBehaviourTest, AThrowingBehaviourIsAHarnessErrorNamingTheExceptionTypeAndMessage) {
    auto behaviour = std::make_shared<StrictMock<MockAgentBehaviour>>();
    AgentServerDoubleOptions options;
    options.behaviour = behaviour;
    std::vector<std::string> logged;  // written on the io thread, read after stop()
    options.log = [&logged](const std::string& line) { logged.push_back(line); };
    AgentServerDouble server(options);
    EXPECT_CALL(*behaviour, on_message(_, _)).WillOnce(Throw(std::runtime_error("boom")));

    const auto result = GoldenPathJourney(journey_to(server.url(), "unused")).run();
    EXPECT_THAT(result, FailsWith(FailureKind::closed, "closed(1011)"));
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->close_reason,
              "harness: AgentBehaviour threw std::runtime_error: boom");
    server.stop();
    EXPECT_THAT(server.harness_errors(),
                ElementsAre("harness: AgentBehaviour threw std::runtime_error: boom "
                            "(connection 1)"));
    EXPECT_THAT(logged, ElementsAre(HasSubstr("AgentBehaviour threw std::runtime_error: boom")));
}

TEST(AgentBehaviourTest, ALongOrForeignExceptionStillFitsTheCloseReason) {
    auto behaviour = std::make_shared<StrictMock<MockAgentBehaviour>>();
    AgentServerDoubleOptions options;
    options.behaviour = behaviour;
    options.log = [](const std::string&) {};
    AgentServerDouble server(options);
    // 200 two-byte characters: the cut must fall between characters, within 123 bytes.
    std::string long_text;
    for (int i = 0; i < 200; ++i) {
        long_text += "\xc3\xa9";
    }
    EXPECT_CALL(*behaviour, on_message(_, _))
        .WillOnce(Throw(std::invalid_argument(long_text)))
        .WillOnce(Throw(42));

    for (const char* expected : {"harness: AgentBehaviour threw std::invalid_argument: \xc3\xa9",
                                 "harness: AgentBehaviour threw an exception of type int"}) {
        const auto result = GoldenPathJourney(journey_to(server.url(), "unused")).run();
        ASSERT_TRUE(result.failure);
        EXPECT_EQ(result.failure->close_code, 1011);
        EXPECT_THAT(result.failure->close_reason, testing::StartsWith(expected));
        EXPECT_LE(result.failure->close_reason.size(), 123U);
    }
    EXPECT_EQ(server.harness_errors().size(), 2U);
}

TEST(AgentBehaviourTest, AThrowingOnConnectionIsAHarnessErrorToo) {
    AgentServerDoubleOptions options;
    options.on_connection = [](const std::shared_ptr<ServerConnection>&) {
        throw std::logic_error("handle misuse");
    };
    options.log = [](const std::string&) {};
    AgentServerDouble server(options);

    const auto result = GoldenPathJourney(journey_to(server.url(), "unused")).run();
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->close_reason,
              "harness: on_connection threw std::logic_error: handle misuse");
    server.stop();
    EXPECT_THAT(server.harness_errors(),
                ElementsAre(HasSubstr("on_connection threw std::logic_error: handle misuse")));
}

// The fixture fails the test at TearDown, naming the exception: run it in a nested fixture.
class ThrowingBehaviourFixture : public fixtures::AgentServerDoubleTest {
  public:
    void TestBody() override {}
    void RunOnce() {
        SetUp();
        RunGoldenPath();
        TearDown();
    }

  protected:
    AgentServerDoubleOptions server_options() override {
        AgentServerDoubleOptions options;
        options.behaviour = std::make_shared<ThrowingBehaviour>();
        options.log = [](const std::string&) {};
        return options;
    }

  private:
    struct ThrowingBehaviour : AgentBehaviour {
        std::optional<Script> on_message(const RecordedConnection&, const std::string&) override {
            throw std::out_of_range("vector::at");
        }
    };
};

void run_fixture_with_throwing_behaviour() {
    ThrowingBehaviourFixture fixture;
    fixture.RunOnce();
}

TEST(AgentBehaviourTest, TheFixtureFailsTheTestNamingTheHarnessError) {
    EXPECT_NONFATAL_FAILURE(run_fixture_with_throwing_behaviour(),
                            "the test's own AgentServerDouble failed, not the system under test: "
                            "harness: AgentBehaviour threw std::out_of_range: vector::at");
}

TEST(AgentBehaviourTest, InMemoryClientAsksTheSameBehaviour) {
    auto behaviour = std::make_shared<StrictMock<MockAgentBehaviour>>();
    AgentServerDoubleOptions options;
    options.behaviour = behaviour;
    EXPECT_CALL(*behaviour, on_message(_, HasSubstr("Where is order 42?")))
        .WillOnce(Return(Script::with_tools(2)));

    auto journey = journey_to("ws://in-memory.test:80/ws", "unused");
    journey.client_factory = [options] { return std::make_unique<InMemoryClient>(options); };
    EXPECT_THAT(GoldenPathJourney(std::move(journey)).run(), FollowsGoldenPath());
}

}  // namespace
}  // namespace goldenpath
