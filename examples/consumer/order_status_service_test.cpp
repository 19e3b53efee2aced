// The service's own AgentTransport, bridged to goldenpath by an adapter in this test target:
// production code (orders_service, linked below) needs no goldenpath at all.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/beast_client.hpp"
#include "goldenpath/fixtures/agent_server_double_test.hpp"
#include "goldenpath/fixtures/received_matchers.hpp"
#include "goldenpath_transport.hpp"
#include "order_status_service.hpp"

namespace {

using goldenpath::Script;
using goldenpath::Secret;
using goldenpath::fixtures::BearerToken;
using goldenpath::fixtures::HasHeader;
using goldenpath::fixtures::JsonAt;
using testing::ElementsAre;
using testing::HasSubstr;

class OrderStatusServiceTest : public goldenpath::fixtures::AgentServerDoubleTest {
  protected:
    goldenpath::AgentServerDoubleOptions server_options() override {
        goldenpath::AgentServerDoubleOptions options;
        options.script = Script::golden_path();
        options.tokens = {"orders-test-token"};
        return options;
    }

    orders::OrderAnswer ask(const std::string& order_id) {
        goldenpath::BeastClient client;
        orders::testing::GoldenpathTransport transport(client);
        orders::OrderStatusService service(transport, server().url(), "orders-test-token");
        return service.ask(order_id);
    }
};

TEST_F(OrderStatusServiceTest, AnswersThroughItsOwnTransport) {
    const auto answer = ask("42");
    EXPECT_EQ(answer.answer, "Your order has shipped.") << answer.error;
    const auto connections = server().connections();
    ASSERT_EQ(connections.size(), 1u);
    EXPECT_THAT(connections[0], BearerToken(Secret("orders-test-token")));
    EXPECT_THAT(connections[0], HasHeader("Authorization"));
    EXPECT_THAT(connections[0].received,
                ElementsAre(JsonAt("/payload/content", HasSubstr("order 42"))));
}

TEST_F(OrderStatusServiceTest, ACrashedToolIsAnErrorNotAHang) {
    auto options = server_options();
    options.script = Script::golden_path().close_before_event(3, 1011, "tool crashed");
    RestartServer(std::move(options));
    const auto answer = ask("42");
    EXPECT_FALSE(answer.answer);
    EXPECT_EQ(answer.error, "no agent_completed");
}

TEST_F(OrderStatusServiceTest, ARejectedUpgradeIsReported) {
    auto options = server_options();
    options.script = Script::golden_path().reject_upgrade(503);
    RestartServer(std::move(options));
    const auto answer = ask("42");
    EXPECT_FALSE(answer.answer);
    EXPECT_THAT(answer.error, HasSubstr("cannot open:"));
    EXPECT_THAT(answer.error, HasSubstr("503"));
}

}  // namespace
