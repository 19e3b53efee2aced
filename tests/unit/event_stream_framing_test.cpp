// What the server double writes into an event stream reads back, through the client's own
// parser, as what the script sent: every line end of a payload, comments skipped.
#include "event_stream_framing.hpp"  // first: the header is self-contained

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sse_parser.hpp"

namespace goldenpath::detail {
namespace {

using testing::ElementsAre;
using testing::Field;

std::vector<SseEvent> parsed(const std::string& body) {
    SseParser parser;
    std::vector<SseEvent> events;
    const auto error = parser.feed(body, events);
    EXPECT_FALSE(error) << error->detail;
    return events;
}

TEST(EventStreamFraming, AnEventReadsBackAsItsPayloadWithLinesJoinedByNewlines) {
    EXPECT_EQ(event_stream_event(R"({"type":"RUN_STARTED"})"),
              "data: {\"type\":\"RUN_STARTED\"}\n\n");
    EXPECT_THAT(parsed(event_stream_event("a\r\nb\rc\nd") + event_stream_event("")),
                ElementsAre(Field(&SseEvent::data, "a\nb\nc\nd"), Field(&SseEvent::data, "")));
}

TEST(EventStreamFraming, ACommentIsOneLineThatClientsSkip) {
    EXPECT_EQ(event_stream_comment("are you\r\nthere"), ": are you  there\n\n");
    EXPECT_THAT(parsed(event_stream_comment("ping\nx") + event_stream_event("after")),
                ElementsAre(Field(&SseEvent::data, "after")));
}

}  // namespace
}  // namespace goldenpath::detail
