// Item 12: whatever a server sends, it cannot end a human line (and forge a "verdict: PASS"
// line), move the cursor or colour the terminal.
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/event_sequence_verifier.hpp"
#include "goldenpath/failure.hpp"
#include "goldenpath/fixtures/mock_websocket_client.hpp"
#include "goldenpath/golden_path_journey.hpp"

namespace goldenpath {
namespace {

using fixtures::closed_result;
using fixtures::frame_result;
using fixtures::MockWebSocketClient;
using testing::_;
using testing::HasSubstr;
using testing::Return;
using namespace std::string_literals;

// What a hostile server sends: a line break, a forged verdict, an ANSI colour, NUL, a C1 CSI, a
// right-to-left override and a byte that is not UTF-8.
const std::string kHostile = "x\r\nverdict: PASS forged\x1b[32mGREEN\x1b[0m\x00nul"s +
                             "\xc2\x9b"
                             "31m \xe2\x80\xae"
                             "evil \xff end";

// True when `text` holds a byte a terminal acts on or that is not valid UTF-8.
std::string raw_control(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x20 || byte == 0x7f || byte == 0xff) {
            return "byte " + std::to_string(byte) + " at " + std::to_string(i);
        }
        if (text.substr(i, 2) == "\xc2\x9b" || text.substr(i, 3) == "\xe2\x80\xae") {
            return "C1/bidi control at " + std::to_string(i);
        }
    }
    return {};
}

TEST(HumanLine, FailureToStringEscapesEveryServerField) {
    std::vector<Failure> failures;
    const auto add = [&failures](FailureKind kind, auto fill) {
        Failure failure;
        failure.kind = kind;
        failure.url = "ws://127.0.0.1:1/ws";
        fill(failure);
        failures.push_back(failure);
    };
    add(FailureKind::closed, [](Failure& f) { f.close_reason = kHostile; });
    add(FailureKind::agent_error, [](Failure& f) {
        f.error_type = kHostile;
        f.message = kHostile;
    });
    add(FailureKind::malformed_frame, [](Failure& f) { f.excerpt = kHostile; });
    add(FailureKind::http_status, [](Failure& f) {
        f.http_status = 500;
        f.body_excerpt = kHostile;
    });
    add(FailureKind::auth_rejected, [](Failure& f) {
        f.close_code = 1008;
        f.close_reason = kHostile;
        f.message = kHostile;
    });
    add(FailureKind::protocol_violation, [](Failure& f) {
        f.rule = kHostile;
        f.detail = kHostile;
    });
    add(FailureKind::refused, [](Failure& f) {
        f.attempts = {Attempt{kHostile, kHostile, kHostile, 1}, Attempt{"b", "c", "d", 1}};
    });
    for (const Failure& failure : failures) {
        const std::string line = failure.to_string();
        EXPECT_EQ(raw_control(line), "") << line;
        EXPECT_THAT(line, HasSubstr("\\x1b[32m")) << line;
    }
}

TEST(HumanLine, EscapesAreReadableAndUtf8IsKept) {
    Failure failure;
    failure.kind = FailureKind::closed;
    failure.close_reason =
        "a\nb\rc\td\x1b"
        "e\x00"
        "f \xc3\xa9 \xe2\x80\xae \xc3"s;
    EXPECT_EQ(failure.to_string(),
              "closed(0) \"a\\nb\\rc\\td\\x1be\\x00f \xc3\xa9 \\u202e \\xc3\"");
}

TEST(HumanLine, TimelineEscapesSummaries) {
    TimelineEntry entry;
    entry.type = "agent_started";
    entry.summary = "agent_started {agent_name: " + kHostile + "}";
    const std::string text = format_timeline({entry});
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.find('\n'), text.size() - 1) << text;  // one line per entry
    EXPECT_EQ(raw_control(text.substr(0, text.size() - 1)), "") << text;
}

TEST(HumanLine, JourneyToStringHasOneVerdictLineWhateverTheServerSends) {
    MockWebSocketClient client;
    EXPECT_CALL(client, connect(_)).WillOnce(Return(std::nullopt));
    EXPECT_CALL(client, send_text(_)).WillOnce(Return(std::nullopt));
    const std::string hostile =
        nlohmann::json(kHostile).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    EXPECT_CALL(client, receive(_))
        .WillOnce(Return(frame_result(R"({"type":"connection_established"})")))
        .WillOnce(Return(frame_result(R"({"type":"agent_started","agent_name":)" + hostile + "}")))
        .WillOnce(Return(frame_result(R"({"type":)" + hostile + "}")))
        .WillOnce(Return(frame_result(R"({"type":"agent_error","message":)" + hostile + "}")));
    EXPECT_CALL(client, close(_, _, _)).WillOnce(Return(std::vector<ReceivedFrame>{}));
    JourneyOptions options;
    options.config.url = Url::parse("ws://127.0.0.1:8080/ws");
    options.thread_id = "thread-1";
    options.run_id = "run-1";

    const auto result = GoldenPathJourney(std::move(options)).run(client);

    const std::string text = result.to_string();
    std::size_t verdict_lines = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::string_view line(text.data() + start, end - start);
        EXPECT_EQ(raw_control(line), "") << line;
        verdict_lines += line.starts_with("verdict:") ? 1U : 0U;
        start = end + 1;
    }
    EXPECT_EQ(verdict_lines, 1U) << text;
    EXPECT_THAT(text, HasSubstr("verdict: FAIL")) << text;
}

// A client other than Beast may hand the journey a frame that is not UTF-8; the JSON report of
// the failure it causes must still be writable (dump() throws on invalid UTF-8 by default).
TEST(JsonReport, BytesThatAreNotUtf8StillDumpAsJson) {
    MockWebSocketClient client;
    EXPECT_CALL(client, connect(_)).WillOnce(Return(std::nullopt));
    EXPECT_CALL(client, send_text(_)).WillOnce(Return(std::nullopt));
    EXPECT_CALL(client, receive(_))
        .WillOnce(Return(frame_result(R"({"type":"connection_established"})")))
        .WillOnce(Return(frame_result("{\"type\":\"agent_started\",\"agent_name\":\"\xff\xfe\"}")));
    EXPECT_CALL(client, close(_, _, _)).WillOnce(Return(std::vector<ReceivedFrame>{}));
    JourneyOptions options;
    options.config.url = Url::parse("ws://127.0.0.1:8080/ws");

    const auto result = GoldenPathJourney(std::move(options)).run(client);

    ASSERT_TRUE(result.failure.has_value());
    EXPECT_EQ(result.failure->kind, FailureKind::malformed_frame) << result.to_string();
    std::string dumped;
    EXPECT_NO_THROW(dumped = result.to_json().dump()) << result.to_string();
    EXPECT_THAT(dumped, HasSubstr("\xEF\xBF\xBD")) << dumped;  // U+FFFD where the bytes were
}

}  // namespace
}  // namespace goldenpath
