// README example: FrameInbox and ExpectNoMessageWithin.
// [readme:frame_inbox]
#include "goldenpath/fixtures/frame_inbox.hpp"
#include "goldenpath/beast_client.hpp"
#include "goldenpath/fixtures/agent_server_double_test.hpp"

using namespace goldenpath;
using namespace goldenpath::fixtures;
using testing::Field;
using testing::HasSubstr;

class Inbox : public AgentServerDoubleTest {};

TEST_F(Inbox, FindsFramesInAnyOrderAndNothingAfterTheEnd) {
    BeastClient client;
    ConnectRequest request;
    request.url = Url::parse(server().url());
    ASSERT_EQ(client.connect(request), std::nullopt);
    FrameInbox inbox(client);
    ASSERT_EQ(client.send_text(default_profile().start_message("Where is order 42?", "t-1", "r-1")),
              std::nullopt);

    EXPECT_TRUE(inbox.wait_for_event(Field(&Event::type, "agent_completed"), Milliseconds(500)));
    // Nothing was consumed: earlier frames are still there to be found.
    EXPECT_TRUE(inbox.wait_for(HasSubstr("\"order_lookup\""), Milliseconds(500)));
    ExpectNoMessageWithin(inbox, Milliseconds(50));
    // agent_started, agent_thinking and tool_completed were never looked at: without this the
    // inbox would fail the test when it is destroyed, listing them.
    inbox.allow_unread();
}
// [end]
