// The frame parser (lib/src/frame_json.hpp): simdjson where the build has it, nlohmann otherwise,
// and the same value or the same error either way.
#include "frame_json.hpp"

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "goldenpath/bounded_json.hpp"

namespace goldenpath::detail {
namespace {

constexpr std::size_t kDepth = kDefaultMaxJsonDepth;

// What parse_bounded_json gives: the value's dump, or the exception's message.
std::string slow_outcome(std::string_view text) {
    try {
        return "value " + parse_bounded_json(text, kDepth).dump();
    } catch (const std::exception& error) {
        return std::string("error ") + error.what();
    }
}

std::string frame_outcome(std::string_view text) {
    try {
        return "value " + parse_frame_json(text, kDepth).dump();
    } catch (const std::exception& error) {
        return std::string("error ") + error.what();
    }
}

class FastFrameParserTest : public testing::TestWithParam<std::string> {
  protected:
    void SetUp() override {
        if (!fast_frame_parser_built()) {
            GTEST_SKIP() << "built without simdjson (GOLDENPATH_WITH_SIMDJSON)";
        }
    }
};

std::string big_frame() {
    std::string text = R"({"type":"agent_thinking","padding":")";
    text.append(kFastFrameBytes, 'x');
    text += "\"}";
    return text;
}

std::string nested(std::size_t levels) {
    return std::string(levels, '[') + std::string(levels, ']');
}

// `levels` containers, the deepest an object.
std::string nested_object(std::size_t levels) {
    return std::string(levels - 1, '[') + R"({"a":1})" + std::string(levels - 1, ']');
}

// Frames simdjson must take, and from which it must build what nlohmann builds, type for type.
const std::vector<std::string> kTaken = {
    R"({"type":"agent_started","run_id":"r-1","thread_id":"t-1","timestamp":"2026-12-02T10:00:00Z"})",
    R"({"type":"tool_executing","data":{"tool_name":"search","tool_call_id":"c-1","args":[1,2,3]}})",
    R"({"n":[0,1,-1,9223372036854775807,9223372036854775808,18446744073709551615]})",
    R"([-9223372036854775808,-42,7])",
    R"([1.5,1e2,1E+2,0.1,-1e-400,1e-400,5e-324,1.7976931348623157e308,123456789.123456789])",
    R"(["\u00e9\ud83d\ude00","\"\\\/\b\f\n\r\t","\u0000x","é😀"])",
    R"({"a":1,"a":2,"b":{"c":[],"c":{}}})",
    // Keys in order, out of order, and repeated after a later key: each keeps its last value.
    R"({"a":1,"b":2,"c":3,"ab":4,"a":5,"":6,"c":{"z":1,"y":2,"z":[3]},"":7})",
    " \n\t{ \"spaced\" : [ true , false , null ] }\r\n ",
    R"({})",
    R"([])",
    R"("a string root")",
    R"(12)",
    R"(null)",
    R"({"date":"2026-01-02","range":"0-0"})",
    R"({"zero":0,"date":"2026-01-02","neg":-10})",
    R"({"a":-0.5,"b":-0e1,"c":-0.0})",
    nested(kDepth),
};

TEST_P(FastFrameParserTest, TakesTheFrameAndBuildsWhatNlohmannBuilds) {
    const std::string& text = GetParam();
    const std::optional<nlohmann::json> fast = parse_frame_json_fast(text, kDepth);
    ASSERT_TRUE(fast.has_value()) << "the fast parser declined " << text;
    const nlohmann::json slow = parse_bounded_json(text, kDepth);
    EXPECT_TRUE(identical_json(*fast, slow))
        << "text " << text << "\nfast " << fast->dump() << "\nslow " << slow.dump();
}

INSTANTIATE_TEST_SUITE_P(Frames, FastFrameParserTest, testing::ValuesIn(kTaken));

TEST(FrameJson, ARepeatedKeyKeepsItsLastValueAsNlohmannDoes) {
    const nlohmann::json value = parse_frame_json(R"({"a":1,"a":2})", kDepth);
    EXPECT_EQ(value.at("a"), 2);
    EXPECT_EQ(value.size(), 1U);
}

TEST(FrameJson, NonNegativeIntegersAreUnsignedAndNegativeOnesSigned) {
    const nlohmann::json value = parse_frame_json(R"([0,7,-7,2.0])", kDepth);
    EXPECT_TRUE(value[0].is_number_unsigned());
    EXPECT_TRUE(value[1].is_number_unsigned());
    EXPECT_TRUE(value[2].is_number_integer() && !value[2].is_number_unsigned());
    EXPECT_TRUE(value[3].is_number_float());
}

class DeclinedFrameTest : public testing::TestWithParam<std::string> {};

// Frames the fast parser must leave to nlohmann: parse_frame_json then gives nlohmann's value or
// nlohmann's error, word for word.
const std::vector<std::string> kDeclined = {
    "-0",
    "[-0]",
    R"({"a":0,"b":-0.5})",
    nested(kDepth + 1),
    nested_object(kDepth + 1),
    big_frame(),
    "",
    "   ",
    "{",
    R"({"a":1,})",
    "[1] x",
    std::string("{}\0", 3),
    "\xEF\xBB\xBF{}",
    "1e999",
    "[18446744073709551616]",
    "[-9223372036854775809]",
    "01",
    "\"tab\there\"",
    std::string("\"nul\0here\"", 10),
    "\"\xff\"",
    "\"\xed\xa0\x80\"",
    R"("\ud800")",
    R"("\udc00")",
    R"("\x")",
    "\f{}",
    "tru",
};

TEST_P(DeclinedFrameTest, GoesToNlohmannWithItsValueOrItsError) {
    const std::string& text = GetParam();
    EXPECT_FALSE(parse_frame_json_fast(text, kDepth).has_value()) << text.substr(0, 80);
    EXPECT_EQ(frame_outcome(text), slow_outcome(text));
}

INSTANTIATE_TEST_SUITE_P(Frames, DeclinedFrameTest, testing::ValuesIn(kDeclined));

// simdjson counts an object at the deepest level one level deeper than parse_bounded_json does:
// it refuses a frame parse_bounded_json takes, and the frame is parsed all the same.
TEST(FrameJson, AnObjectAtTheDeepestLevelAllowedIsParsed) {
    const std::string text = nested_object(kDepth);
    EXPECT_EQ(frame_outcome(text), slow_outcome(text));
    EXPECT_TRUE(frame_outcome(text).starts_with("value ")) << frame_outcome(text).substr(0, 120);
}

TEST(FrameJson, EachCallsDepthLimitHoldsWhateverTheCallBeforeIt) {
    for (const std::size_t depth : {std::size_t{3}, kDepth, std::size_t{3}, std::size_t{1000}}) {
        SCOPED_TRACE(depth);
        const std::string deepest = nested(depth);
        const std::string deeper = nested(depth + 1);
        EXPECT_FALSE(parse_frame_json_fast(deeper, depth).has_value());
        EXPECT_THROW(parse_frame_json(deeper, depth), JsonTooDeep);
        const nlohmann::json value = parse_frame_json(deepest, depth);
        EXPECT_TRUE(identical_json(value, parse_bounded_json(deepest, depth)));
        if (fast_frame_parser_built()) {
            EXPECT_TRUE(parse_frame_json_fast(deepest, depth).has_value());
        }
    }
}

TEST(FrameJson, TheParserKeptPerThreadStillParsesAfterRefusingAFrame) {
    for (const std::string& bad : {std::string("{\"a\":"), big_frame(), std::string("\"\xff\"")}) {
        ASSERT_FALSE(parse_frame_json_fast(bad, kDepth).has_value());
        EXPECT_EQ(frame_outcome(R"({"type":"agent_started"})"),
                  R"(value {"type":"agent_started"})");
    }
}

TEST(FrameJson, AfterALargeFrameTheNextFramesAreStillTaken) {
    if (!fast_frame_parser_built()) {
        GTEST_SKIP() << "built without simdjson (GOLDENPATH_WITH_SIMDJSON)";
    }
    const std::string large = "[\"" + std::string(kFastFrameBytes / 2, 'x') + "\",1]";
    const std::string small = R"({"type":"agent_thinking","n":[1,2]})";
    for (int round = 0; round < 3; ++round) {
        const auto big_value = parse_frame_json_fast(large, kDepth);
        ASSERT_TRUE(big_value.has_value()) << "round " << round;
        EXPECT_TRUE(identical_json(*big_value, parse_bounded_json(large, kDepth)));
        const auto small_value = parse_frame_json_fast(small, kDepth);
        ASSERT_TRUE(small_value.has_value()) << "round " << round;
        EXPECT_TRUE(identical_json(*small_value, parse_bounded_json(small, kDepth)));
    }
}

TEST(FrameJson, AFrameAtTheSizeLimitIsStillTakenAndOneByteMoreIsNot) {
    if (!fast_frame_parser_built()) {
        GTEST_SKIP() << "built without simdjson (GOLDENPATH_WITH_SIMDJSON)";
    }
    std::string text = "\"";
    text.append(kFastFrameBytes - 2, 'x');
    text += '"';
    ASSERT_EQ(text.size(), kFastFrameBytes);
    EXPECT_TRUE(parse_frame_json_fast(text, kDepth).has_value());
    text.insert(1, "y");
    EXPECT_FALSE(parse_frame_json_fast(text, kDepth).has_value());
    EXPECT_EQ(frame_outcome(text), slow_outcome(text));
}

TEST(FrameJson, IdenticalJsonTellsTypesAndSignedZerosApart) {
    EXPECT_TRUE(identical_json(nlohmann::json::parse(R"({"a":[1,-1,1.0]})"),
                               nlohmann::json::parse(R"({"a":[1,-1,1.0]})")));
    EXPECT_FALSE(identical_json(nlohmann::json(1U), nlohmann::json(1)));
    EXPECT_FALSE(identical_json(nlohmann::json(0.0), nlohmann::json(-0.0)));
    EXPECT_FALSE(identical_json(nlohmann::json(1), nlohmann::json(1.0)));
    EXPECT_FALSE(
        identical_json(nlohmann::json::parse(R"({"a":1})"), nlohmann::json::parse(R"({"b":1})")));
    EXPECT_FALSE(identical_json(nlohmann::json::parse("[1,2]"), nlohmann::json::parse("[1]")));
}

}  // namespace
}  // namespace goldenpath::detail
