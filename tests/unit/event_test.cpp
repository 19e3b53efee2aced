// First include: the header under test must be self-contained.
#include "goldenpath/event.hpp"

#include <chrono>
#include <string>
#include <variant>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace goldenpath {
namespace {

using nlohmann::json;
using testing::DoubleEq;
using testing::DoubleNear;
using testing::HasSubstr;
using testing::Optional;
using testing::StartsWith;

const Clock::time_point kArrival = Clock::time_point{} + std::chrono::seconds(42);

Event parse_ok(std::string_view text, const ProtocolProfile& profile = default_profile()) {
    auto result = parse_event(text, profile, kArrival, 7);
    EXPECT_TRUE(std::holds_alternative<Event>(result)) << text;
    return std::holds_alternative<Event>(result) ? std::get<Event>(std::move(result)) : Event{};
}

EventParseError parse_error(std::string_view text) {
    auto result = parse_event(text, default_profile(), kArrival, 0);
    EXPECT_TRUE(std::holds_alternative<EventParseError>(result)) << text;
    return std::holds_alternative<EventParseError>(result)
               ? std::get<EventParseError>(std::move(result))
               : EventParseError{};
}

// Found by fuzz_journey: nlohmann reports a number too large for a double as out_of_range, not
// parse_error, and the journey let it escape.
TEST(ParseEvent, ANumberTooLargeForADoubleIsAMalformedFrameNotAnException) {
    const std::string frame = R"({"type":"agent_thinking","n":)" + std::string(400, '5') + "}";
    EventParseError error;
    EXPECT_NO_THROW(error = parse_error(frame));
    EXPECT_THAT(error.reason, HasSubstr("too large for a double"));
    EXPECT_LT(error.reason.size(), 200U) << "the reason must not quote the whole number";
}

TEST(ParseEvent, ExtractsTypeIdsArrivalAndFrameIndex) {
    const Event event =
        parse_ok(R"({"type":"agent_started","run_id":"run-1","thread_id":"thread-1",)"
                 R"("data":{"agent_name":"triage"}})");
    EXPECT_EQ(event.type, "agent_started");
    EXPECT_EQ(event.run_id, "run-1");
    EXPECT_EQ(event.thread_id, "thread-1");
    EXPECT_EQ(event.arrival, kArrival);
    EXPECT_EQ(event.frame_index, 7U);
    EXPECT_EQ(event.body["data"]["agent_name"], "triage");
    EXPECT_FALSE(event.timestamp.has_value());
}

TEST(ParseEvent, FindsIdsInDetailContainersAndConvertsNumbers) {
    const Event event =
        parse_ok(R"({"type":"agent_thinking","payload":{"run_id":17,"thread_id":-3}})");
    EXPECT_EQ(event.run_id, "17");
    EXPECT_EQ(event.thread_id, "-3");
}

TEST(ParseEvent, AbsentIdsStayEmpty) {
    const Event event = parse_ok(R"({"type":"heartbeat"})");
    EXPECT_EQ(event.run_id, "");
    EXPECT_EQ(event.thread_id, "");
}

TEST(ParseEvent, ReadsTheTimestampFromTheProfileField) {
    const Event event =
        parse_ok(R"({"type":"heartbeat","data":{"timestamp":"2025-09-12T20:11:35Z"}})");
    EXPECT_THAT(event.timestamp, Optional(DoubleEq(1757707895.0)));
}

TEST(ParseEvent, UsesTheProfileTypeField) {
    ProtocolProfile profile = default_profile();
    profile.type_field = "event";
    const Event event = parse_ok(R"({"event":"agent_started","type":"other"})", profile);
    EXPECT_EQ(event.type, "agent_started");
}

TEST(ParseEvent, InvalidJsonIsAParseErrorWithExcerpt) {
    const EventParseError error = parse_error(R"({"type":"agent_started")");
    EXPECT_THAT(error.reason, StartsWith("not valid JSON: "));
    EXPECT_THAT(error.reason, HasSubstr("at byte"));
    EXPECT_EQ(error.excerpt, R"({"type":"agent_started")");
}

TEST(ParseEvent, EmptyFrameIsAParseError) {
    EXPECT_THAT(parse_error("").reason, StartsWith("not valid JSON: "));
}

TEST(ParseEvent, ExcerptIsTheFirst120Characters) {
    const std::string text = "x" + std::string(300, 'y');
    const EventParseError error = parse_error(text);
    EXPECT_EQ(error.excerpt, text.substr(0, 120));
}

TEST(ParseEvent, ExcerptDoesNotCutAUtf8Character) {
    // 119 ASCII bytes then a two-byte character straddling the 120-byte limit.
    const std::string text = std::string(119, '[') + "\xc3\xa9" + "tail";
    const EventParseError error = parse_error(text);
    EXPECT_EQ(error.excerpt, std::string(119, '['));
}

TEST(ParseEvent, NonObjectIsAParseError) {
    const EventParseError error = parse_error(R"(["agent_started"])");
    EXPECT_EQ(error.reason, "not a JSON object but an array");
    EXPECT_EQ(error.excerpt, R"(["agent_started"])");
    EXPECT_EQ(parse_error("42").reason, "not a JSON object but a number");
}

TEST(ParseEvent, MissingOrNonStringTypeIsAParseError) {
    EXPECT_EQ(parse_error(R"({"kind":"agent_started"})").reason, R"(no string "type" field)");
    const EventParseError error = parse_error(R"({"type":5})");
    EXPECT_EQ(error.reason, R"(no string "type" field)");
    EXPECT_EQ(error.excerpt, R"({"type":5})");
}

TEST(MakeEvent, KeepsTheBodyAndExtractsTheEnvelope) {
    const json body = {{"type", "tool_executing"},
                       {"run_id", "r"},
                       {"timestamp", 1757707895.25},
                       {"data", {{"tool_name", "search"}}}};
    const Event event = make_event(body, default_profile(), kArrival, 3);
    EXPECT_EQ(event.type, "tool_executing");
    EXPECT_EQ(event.run_id, "r");
    EXPECT_EQ(event.body, body);
    EXPECT_EQ(event.frame_index, 3U);
    EXPECT_THAT(event.timestamp, Optional(DoubleEq(1757707895.25)));
}

TEST(MakeEvent, EnvelopeFieldsFollowFindFieldsPrecedence) {
    // make_event finds the three envelope fields in one pass; each must be what find_field finds.
    ProtocolProfile same_name = default_profile();
    same_name.thread_id_field = "run_id";
    // Containers reordered and repeated; a container that is also an envelope name.
    ProtocolProfile reordered = default_profile();
    reordered.detail_containers = {"payload", "data", "payload"};
    reordered.timestamp_field = "data";
    // More containers than the one-pass scan takes: they are looked up one by one.
    ProtocolProfile many_containers = default_profile();
    many_containers.detail_containers = {"a", "b", "c", "d", "e", "f", "g", "h", "payload", "data"};
    for (const ProtocolProfile& profile :
         {default_profile(), same_name, reordered, many_containers}) {
        for (const json& body :
             {json{{"type", "x"},
                   {"run_id", "root"},
                   {"payload", {{"run_id", "payload"}, {"thread_id", "t-p"}}},
                   {"data", {{"run_id", nullptr}, {"timestamp", 12.5}}}},
              json{{"type", "x"}, {"data", "text"}, {"run_id", 7}, {"thread_id", nullptr}},
              json{{"type", "x"}, {"data", {{"thread_id", "t-d"}}}, {"thread_id", "t-r"}},
              json{{"type", "x"},
                   {"h", {{"run_id", "h"}}},
                   {"data", {{"run_id", "d"}, {"data", 3}}},
                   {"payload", nullptr}},
              json{{"type", "x"}, {"data", json::object()}, {"run_id", nullptr}}}) {
            const Event event = make_event(body, profile);
            const auto parsed = parse_event(body.dump(), profile, kArrival, 0);
            ASSERT_TRUE(std::holds_alternative<Event>(parsed)) << body.dump();
            EXPECT_EQ(std::get<Event>(parsed).run_id, event.run_id) << body.dump();
            EXPECT_EQ(std::get<Event>(parsed).thread_id, event.thread_id) << body.dump();
            EXPECT_EQ(std::get<Event>(parsed).timestamp, event.timestamp) << body.dump();
            EXPECT_EQ(event.run_id, field_text(profile.find_field(body, profile.run_id_field)))
                << body.dump();
            EXPECT_EQ(event.thread_id,
                      field_text(profile.find_field(body, profile.thread_id_field)))
                << body.dump();
            const json* stamp = profile.find_field(body, profile.timestamp_field);
            EXPECT_EQ(event.timestamp, stamp == nullptr ? std::nullopt : parse_timestamp(*stamp))
                << body.dump();
        }
    }
}

TEST(FindField, DataThenPayloadThenRoot) {
    const ProtocolProfile profile = default_profile();
    const json all = {
        {"status", "root"}, {"data", {{"status", "data"}}}, {"payload", {{"status", "payload"}}}};
    ASSERT_NE(profile.find_field(all, "status"), nullptr);
    EXPECT_EQ(*profile.find_field(all, "status"), "data");

    const json payload_and_root = {{"status", "root"}, {"payload", {{"status", "payload"}}}};
    EXPECT_EQ(*profile.find_field(payload_and_root, "status"), "payload");

    const json root_only = {{"status", "root"}, {"data", {{"other", 1}}}};
    EXPECT_EQ(*profile.find_field(root_only, "status"), "root");
}

TEST(FindField, AbsentOrNullIsNullptrAndNullDefersToTheNextPlace) {
    const ProtocolProfile profile = default_profile();
    EXPECT_EQ(profile.find_field(json{{"type", "x"}}, "status"), nullptr);
    EXPECT_EQ(profile.find_field(json{{"status", nullptr}}, "status"), nullptr);
    const json null_in_data = {{"data", {{"status", nullptr}}}, {"status", "root"}};
    EXPECT_EQ(*profile.find_field(null_in_data, "status"), "root");
}

TEST(FindField, ContainerThatIsNotAnObjectIsSkipped) {
    const ProtocolProfile profile = default_profile();
    const json body = {{"data", "just text"}, {"payload", {1, 2}}, {"status", "root"}};
    EXPECT_EQ(*profile.find_field(body, "status"), "root");
    EXPECT_EQ(profile.find_field(json::array(), "status"), nullptr);
}

TEST(ParseTimestamp, NumbersAreUnixSeconds) {
    EXPECT_THAT(parse_timestamp(json(1757707895.125)), Optional(DoubleEq(1757707895.125)));
    EXPECT_THAT(parse_timestamp(json(1757707895)), Optional(DoubleEq(1757707895.0)));
}

TEST(ParseTimestamp, Iso8601Utc) {
    EXPECT_THAT(parse_timestamp(json("2025-09-12T20:11:35Z")), Optional(DoubleEq(1757707895.0)));
    EXPECT_THAT(parse_timestamp(json("2025-09-12T20:11:35")), Optional(DoubleEq(1757707895.0)));
    EXPECT_THAT(parse_timestamp(json("2025-09-12 20:11:35Z")), Optional(DoubleEq(1757707895.0)));
    EXPECT_THAT(parse_timestamp(json("2024-02-29T00:00:00Z")), Optional(DoubleEq(1709164800.0)));
    EXPECT_THAT(parse_timestamp(json("1969-12-31T23:59:59Z")), Optional(DoubleEq(-1.0)));
}

TEST(ParseTimestamp, Iso8601Fractions) {
    EXPECT_THAT(parse_timestamp(json("2025-09-12T20:11:35.123Z")),
                Optional(DoubleNear(1757707895.123, 1e-6)));
    EXPECT_THAT(parse_timestamp(json("2025-09-12T20:11:35.123456789+00:00")),
                Optional(DoubleNear(1757707895.123457, 1e-6)));
}

TEST(ParseTimestamp, Iso8601Offsets) {
    EXPECT_THAT(parse_timestamp(json("2025-09-12T22:11:35+02:00")),
                Optional(DoubleEq(1757707895.0)));
    EXPECT_THAT(parse_timestamp(json("2025-09-12T22:11:35+0200")),
                Optional(DoubleEq(1757707895.0)));
    EXPECT_THAT(parse_timestamp(json("2025-09-12T14:41:35.5-05:30")),
                Optional(DoubleEq(1757707895.5)));
}

TEST(ParseTimestamp, GarbageIsNullopt) {
    for (const char* text :
         {"garbage", "", "1757707895", "2025-09-12", "2025-13-01T00:00:00Z", "2025-02-29T00:00:00Z",
          "2025-09-12T24:00:00Z", "2025-09-12T20:11:35.Z", "2025-09-12T20:11:35+2",
          "2025-09-12T20:11:35Zjunk", "2025/09/12T20:11:35Z"}) {
        EXPECT_EQ(parse_timestamp(json(text)), std::nullopt) << text;
    }
    EXPECT_EQ(parse_timestamp(json(true)), std::nullopt);
    EXPECT_EQ(parse_timestamp(json(nullptr)), std::nullopt);
    EXPECT_EQ(parse_timestamp(json::object()), std::nullopt);
}

// The calendar is std::chrono's: century years are leap years only when divisible by 400, and
// day counts hold far from 1970.
TEST(ParseTimestamp, FollowsTheGregorianCalendarAcrossCenturies) {
    EXPECT_THAT(parse_timestamp(json("2000-02-29T00:00:00Z")), Optional(DoubleEq(951782400.0)));
    EXPECT_EQ(parse_timestamp(json("1900-02-29T00:00:00Z")), std::nullopt);
    EXPECT_EQ(parse_timestamp(json("2100-02-29T00:00:00Z")), std::nullopt);
    EXPECT_THAT(parse_timestamp(json("0001-01-01T00:00:00Z")), Optional(DoubleEq(-62135596800.0)));
    EXPECT_THAT(parse_timestamp(json("9999-12-31T23:59:59Z")), Optional(DoubleEq(253402300799.0)));
    EXPECT_EQ(parse_timestamp(json("2025-04-31T00:00:00Z")), std::nullopt);
}

TEST(EventSummary, NamesTheInformativeFields) {
    const Event event = make_event(
        json{{"type", "tool_completed"},
             {"data", {{"tool_name", "search"}, {"tool_call_id", "call-1"}, {"results", {1}}}}},
        default_profile(), kArrival);
    EXPECT_EQ(event.summary(default_profile()),
              "tool_completed {tool_name: search, tool_call_id: call-1}");
}

TEST(EventSummary, WithoutInformativeFieldsIsJustTheType) {
    const Event event =
        make_event(json{{"type", "agent_thinking"}, {"data", {{"reasoning", "hm"}}}},
                   default_profile(), kArrival);
    EXPECT_EQ(event.summary(default_profile()), "agent_thinking");
}

TEST(EventSummary, ShowsAgentStatusAndErrorMessage) {
    const Event started = make_event(json{{"type", "agent_started"}, {"agent_name", "triage"}},
                                     default_profile(), kArrival);
    EXPECT_EQ(started.summary(default_profile()), "agent_started {agent_name: triage}");
    const Event failed = make_event(
        json{{"type", "agent_error"}, {"status", 500}, {"message", "LLM quota exceeded"}},
        default_profile(), kArrival);
    EXPECT_EQ(failed.summary(default_profile()),
              "agent_error {status: 500, message: LLM quota exceeded}");
}

TEST(EventSummary, UsesExecutionIdWhenThereIsNoToolCallId) {
    const Event event = make_event(
        json{{"type", "tool_executing"}, {"tool_name", "search"}, {"execution_id", "e-7"}},
        default_profile(), kArrival);
    EXPECT_EQ(event.summary(default_profile()),
              "tool_executing {tool_name: search, execution_id: e-7}");
}

TEST(EventSummary, TruncatesLongValuesTo40Characters) {
    const Event event =
        make_event(json{{"type", "tool_executing"}, {"tool_name", std::string(100, 'a')}},
                   default_profile(), kArrival);
    EXPECT_EQ(event.summary(default_profile()),
              "tool_executing {tool_name: " + std::string(37, 'a') + "...}");
}

}  // namespace
}  // namespace goldenpath
