// The text/event-stream parser against the standard's own examples, every line end, every way
// of splitting the body into pieces, and a server that never ends a line.
#include "sse_parser.hpp"  // first: the header is self-contained

#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace goldenpath::detail {
namespace {

using testing::ElementsAre;
using testing::Field;
using testing::HasSubstr;
using testing::IsEmpty;
using namespace std::string_literals;

// Feeds `pieces` one after another; fails the test on a parser error.
std::vector<SseEvent> parse(SseParser& parser, const std::vector<std::string>& pieces) {
    std::vector<SseEvent> events;
    for (const auto& piece : pieces) {
        const auto error = parser.feed(piece, events);
        EXPECT_FALSE(error) << "unexpected error: " << error->detail;
    }
    return events;
}

std::vector<SseEvent> parse(const std::string& body) {
    SseParser parser;
    return parse(parser, {body});
}

auto Data(const std::string& data) {
    return Field(&SseEvent::data, data);
}

TEST(SseParser, DataLinesAreJoinedWithNewlines) {
    EXPECT_THAT(parse("data: YHOO\ndata: +2\ndata: 10\n\n"), ElementsAre(Data("YHOO\n+2\n10")));
}

TEST(SseParser, CommentsAreSkippedAndTheLastIdStaysUntilReset) {
    SseParser parser;
    const auto events = parse(
        parser, {": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  "
                 "third event\n"});
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].data, "first event");
    EXPECT_EQ(events[0].id, "1");
    EXPECT_EQ(events[1].data, "second event");
    EXPECT_EQ(events[1].id, "");
    EXPECT_EQ(events[0].index, 0U);
    EXPECT_EQ(events[1].index, 1U);
    EXPECT_TRUE(parser.inside_event()) << "the third event has no blank line yet";
}

TEST(SseParser, AnEmptyDataFieldStillMakesAnEventAndOnlyOneSpaceIsRemoved) {
    SseParser parser;
    const auto events = parse(parser, {"data\n\ndata\ndata\n\ndata:\n\ndata:  two spaces\n\n"});
    EXPECT_THAT(events, ElementsAre(Data(""), Data("\n"), Data(""), Data(" two spaces")));
    EXPECT_FALSE(parser.inside_event());
}

TEST(SseParser, TheEventFieldNamesTheTypeForOneEventOnly) {
    const auto events = parse("event: RUN_STARTED\ndata: {}\n\ndata: {}\n\n");
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].type, "RUN_STARTED");
    EXPECT_EQ(events[1].type, "message");
}

TEST(SseParser, ATypeWithoutDataDispatchesNothingAndIsForgotten) {
    EXPECT_THAT(parse("event: ping\n\ndata: x\n\n"),
                ElementsAre(AllOf(Data("x"), Field(&SseEvent::type, "message"))));
}

TEST(SseParser, CrLfCrAndLfAllEndLines) {
    for (const std::string end : {"\n", "\r", "\r\n"}) {
        EXPECT_THAT(parse("data: a" + end + "data: b" + end + end + "data: c" + end + end),
                    ElementsAre(Data("a\nb"), Data("c")))
            << "line end " << testing::PrintToString(end);
    }
    EXPECT_THAT(parse("data: a\r\ndata: b\rdata: c\n\r\n"), ElementsAre(Data("a\nb\nc")));
}

TEST(SseParser, ALoneCrThenLfInTheNextPieceIsOneLineEnd) {
    SseParser parser;
    EXPECT_THAT(parse(parser, {"data: a\r", "\n", "\r", "\ndata: b\r\n\r\n"}),
                ElementsAre(Data("a"), Data("b")));
}

TEST(SseParser, AByteOrderMarkIsSkippedOnlyAtTheStart) {
    EXPECT_THAT(parse("\xEF\xBB\xBF"
                      "data: a\n\n"),
                ElementsAre(Data("a")));
    SseParser split;
    EXPECT_THAT(parse(split, {"\xEF", "\xBB",
                              "\xBF"
                              "data: a\n\n"}),
                ElementsAre(Data("a")));
    EXPECT_THAT(parse("data: a\n\n\xEF\xBB\xBF"
                      "data: b\n\n"),
                ElementsAre(Data("a")))
        << "a mark after the start makes the field name \"\\xEF\\xBB\\xBFdata\", which is ignored";
    EXPECT_THAT(parse("\xEF\xBB"
                      "data: a\n\n"),
                IsEmpty())
        << "two bytes of a mark are part of the first field name";
    EXPECT_THAT(parse("\xEF\xBB\xBF\xEF\xBB\xBF"
                      "data: a\n\n"),
                IsEmpty())
        << "only one is skipped";
}

TEST(SseParser, RetryTakesDigitsOnly) {
    SseParser parser;
    parse(parser, {"retry: 1500\n"});
    EXPECT_EQ(parser.retry(), std::chrono::milliseconds(1500));
    for (const std::string bad : {"retry: 15s\n", "retry: -1\n", "retry:\n", "retry: 1.5\n",
                                  "retry: 99999999999999999999\n"}) {
        parse(parser, {bad});
        EXPECT_EQ(parser.retry(), std::chrono::milliseconds(1500)) << bad;
    }
}

TEST(SseParser, AnIdWithNulIsIgnoredAndUnknownFieldsToo) {
    const auto events = parse("id: 7\n\nid: x\0y\ndata: a\nfoo: bar\nDATA: shouted\n\n"s);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].data, "a");
    EXPECT_EQ(events[0].id, "7");
}

TEST(SseParser, EverySplitOfTheBodyGivesTheSameEvents) {
    const std::string body =
        "\xEF\xBB\xBF: keep-alive\r\nevent: TEXT_MESSAGE_CONTENT\r\nid: 4\r\ndata: {\"delta\":"
        "\"h\xC3\xA9\"}\r\n\r\nretry: 10\rdata: two\rdata: lines\r\rdata: last\n\n";
    const auto whole = parse(body);
    ASSERT_EQ(whole.size(), 3U);
    for (std::size_t first = 0; first <= body.size(); ++first) {
        for (std::size_t second = first; second <= body.size(); ++second) {
            SseParser parser;
            const auto events = parse(
                parser,
                {body.substr(0, first), body.substr(first, second - first), body.substr(second)});
            ASSERT_EQ(events.size(), whole.size()) << "split at " << first << ", " << second;
            for (std::size_t i = 0; i < events.size(); ++i) {
                EXPECT_EQ(events[i].data, whole[i].data) << "split at " << first << ", " << second;
                EXPECT_EQ(events[i].type, whole[i].type);
                EXPECT_EQ(events[i].id, whole[i].id);
            }
            EXPECT_EQ(parser.retry(), std::chrono::milliseconds(10));
        }
    }
}

TEST(SseParser, ALineWithoutEndIsAnErrorAtTheBoundAndTheParserStaysFailed) {
    SseParser parser(64);
    std::vector<SseEvent> events;
    EXPECT_FALSE(parser.feed("data: ok\n\n", events));
    EXPECT_FALSE(parser.feed(std::string(40, 'x'), events));
    const auto error = parser.feed(std::string(40, 'x'), events);
    ASSERT_TRUE(error);
    EXPECT_THAT(error->detail, HasSubstr("a line longer than 64 bytes"));
    EXPECT_EQ(error->event_index, 1U);
    const auto again = parser.feed("\n\ndata: late\n\n", events);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->detail, error->detail);
    EXPECT_THAT(events, ElementsAre(Data("ok")));
}

TEST(SseParser, DataAboveTheBoundIsAnErrorEvenInShortLines) {
    SseParser parser(64);
    std::vector<SseEvent> events;
    std::optional<SseError> error;
    for (int line = 0; line < 100 && !error; ++line) {
        error = parser.feed("data: 0123456789\n", events);
    }
    ASSERT_TRUE(error) << "100 data lines of 11 bytes passed a 64-byte bound";
    EXPECT_THAT(error->detail, HasSubstr("data is longer than 64 bytes"));
    EXPECT_THAT(events, IsEmpty());
}

}  // namespace
}  // namespace goldenpath::detail
