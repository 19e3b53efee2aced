// README example: matchers on what the server double received.
// [readme:received_matchers]
#include "goldenpath/fixtures/received_matchers.hpp"
#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/matchers.hpp"

using namespace goldenpath;
using namespace goldenpath::fixtures;
using testing::ElementsAre;
using testing::HasSubstr;

class WhatTheServerSaw : public AgentServerDoubleTest {
  protected:
    AgentServerDoubleOptions server_options() override {
        AgentServerDoubleOptions options;
        options.tokens = {"orders-test-token"};
        return options;
    }
    JourneyOptions journey_options() override {
        auto options = AgentServerDoubleTest::journey_options();
        options.config.tokens = {Secret("orders-test-token")};
        options.message = "Where is order 42?";
        return options;
    }
};

TEST_F(WhatTheServerSaw, TheTokenAndTheQuestion) {
    ASSERT_THAT(RunGoldenPath(), FollowsGoldenPath());
    const RecordedConnection connection = server().connections().at(0);
    EXPECT_THAT(connection, HasHeader("User-Agent", HasSubstr("goldenpath/")));
    EXPECT_THAT(connection, BearerToken(Secret("orders-test-token")));  // never printed
    EXPECT_THAT(connection.received,
                ElementsAre(JsonAt("/payload/content", HasSubstr("order 42"))));
}
// [end]
