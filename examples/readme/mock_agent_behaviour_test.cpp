// README example: MockAgentBehaviour, expecting what the server double receives.
// [readme:mock_agent_behaviour]
#include <memory>

#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/fixtures/mock_agent_behaviour.hpp"

using namespace goldenpath;
using namespace goldenpath::fixtures;
using testing::_;
using testing::HasSubstr;
using testing::Return;

class ServerSide : public AgentServerDoubleTest {
  protected:
    AgentServerDoubleOptions server_options() override {
        AgentServerDoubleOptions options;
        options.behaviour = behaviour;
        return options;
    }

    std::shared_ptr<testing::StrictMock<MockAgentBehaviour>> behaviour =
        std::make_shared<testing::StrictMock<MockAgentBehaviour>>();
};

TEST_F(ServerSide, ReceivesTheQuestion) {
    EXPECT_CALL(*behaviour, on_message(_, HasSubstr("What is the status of my order?")))
        .WillOnce(Return(Script::golden_path()));
    EXPECT_THAT(RunGoldenPath(), FollowsGoldenPath());
}
// [end]
