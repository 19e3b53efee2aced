// A server that sends a million events, a hundred thousand open tools or one 16 MB frame, against
// a real journey (BeastClient on loopback): the journey ends with a bounded verdict, in bounded
// memory (issue 13, item 8). Peak RSS is measured per test (VmHWM, reset through clear_refs), so
// each number is this test's own; run one test per process for the figures in the report.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../mission_critical/raw_frame_server.hpp"
#include "goldenpath/golden_path_journey.hpp"

namespace goldenpath {
namespace {

using test::RawFrameServer;
using test::RawServerScript;
using test::text_frame;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

constexpr std::size_t kMiB = 1024U * 1024U;
constexpr std::size_t kBatch = 1000;    // frames per flood chunk
constexpr std::size_t kTools = 99'990;  // open tools: under the default max_events_per_run

std::size_t status_kib(const char* field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(field, 0) == 0) {
            std::istringstream value(line.substr(std::string(field).size()));
            std::size_t kib = 0;
            value >> kib;
            return kib;
        }
    }
    return 0;
}

// Peak resident memory from construction to peak_growth_bytes(): the high-water mark is reset
// (Linux clear_refs 5) so earlier tests in the same process do not hide this one's peak.
class PeakRss {
  public:
    PeakRss() {
        std::ofstream("/proc/self/clear_refs") << "5";
        start_kib_ = status_kib("VmRSS:");
    }
    std::size_t peak_growth_bytes() const {
        const std::size_t peak = status_kib("VmHWM:");
        return (peak > start_kib_ ? peak - start_kib_ : 0) * 1024U;
    }

  private:
    std::size_t start_kib_ = 0;
};

std::string event(const char* type, nlohmann::json data = nlohmann::json::object()) {
    return text_frame(nlohmann::json{{"type", type}, {"data", std::move(data)}}.dump()).bytes();
}

// The ready event the default profile waits for, then agent_started.
std::string ready_and_started() {
    return event("connection_established", {{"connection_id", "c-1"}, {"user_id", "u-1"}}) +
           event("agent_started", {{"agent_name", "triage"}});
}

JourneyResult run_against(const RawFrameServer& server,
                          std::size_t max_events_per_run = EndpointConfig{}.max_events_per_run) {
    JourneyOptions options;
    options.config.url = Url::parse(server.url());
    options.config.max_events_per_run = max_events_per_run;
    options.config.timeouts.completion = Milliseconds(120'000);
    options.config.timeouts.max_gap = Milliseconds(20'000);
    options.config.timeouts.first_event = Milliseconds(20'000);
    return GoldenPathJourney(std::move(options)).run();
}

std::string verdict_line(const JourneyResult& result) {
    const std::string text = result.to_string();
    const auto at = text.rfind("verdict: ");
    return at == std::string::npos ? std::string() : text.substr(at);
}

// agent_started, then `count` agent_thinking events in batches, then a tool pair and
// agent_completed: written as the client reads, never held whole by the server.
RawServerScript thinking_flood(std::size_t count) {
    RawServerScript script;
    script.flood = [count](std::size_t chunk) -> std::string {
        if (chunk == 0) {
            return ready_and_started();
        }
        const std::size_t first = (chunk - 1) * kBatch;
        if (first < count) {
            std::string out;
            for (std::size_t i = first; i < std::min(count, first + kBatch); ++i) {
                out += event("agent_thinking", {{"reasoning", "step " + std::to_string(i)}});
            }
            return out;
        }
        if (first < count + kBatch) {
            return event("tool_executing", {{"tool_name", "orders"}, {"tool_call_id", "t1"}}) +
                   event("tool_completed",
                         {{"tool_name", "orders"}, {"tool_call_id", "t1"}, {"result", "ok"}}) +
                   event("agent_completed", {{"final_response", "done"}});
        }
        return {};
    };
    return script;
}

TEST(BoundedMemorySoak, MillionThinkingEventsFailAsTooManyEventsInBoundedMemory) {
    RawFrameServer server(thinking_flood(1'000'000));
    const PeakRss rss;
    const JourneyResult result = run_against(server);
    const std::size_t growth = rss.peak_growth_bytes();
    const std::size_t text_size = result.to_string().size();
    std::cout << "peak RSS growth " << growth / 1024 << " KiB, to_string " << text_size
              << " bytes, verdict line " << verdict_line(result).size() << " bytes\n";
    ASSERT_TRUE(result.failure) << verdict_line(result);
    EXPECT_EQ(result.failure->kind_label(), "protocol_violation(too_many_events)")
        << verdict_line(result);
    EXPECT_LT(text_size, 512U * 1024U);
    EXPECT_LE(verdict_line(result).size(), 4096U);
    if (!kSanitized) {
        EXPECT_LT(growth, 20 * kMiB);
    }
}

TEST(BoundedMemorySoak, MillionThinkingEventsWithoutAnEventLimitStayBounded) {
    RawFrameServer server(thinking_flood(1'000'000));
    const PeakRss rss;
    const JourneyResult result = run_against(server, 0);
    const std::size_t growth = rss.peak_growth_bytes();
    const std::size_t text_size = result.to_string().size();
    std::cout << "peak RSS growth " << growth / 1024 << " KiB, to_string " << text_size
              << " bytes\n";
    EXPECT_TRUE(result.passed()) << verdict_line(result);
    EXPECT_LT(text_size, 512U * 1024U);
    EXPECT_LE(result.frames.size(), 1100U);
    EXPECT_GT(result.frames_omitted, 998'000U);
    if (!kSanitized) {
        EXPECT_LT(growth, 20 * kMiB);
    }
}

TEST(BoundedMemorySoak, HundredThousandOpenToolsGiveABoundedVerdictLine) {
    RawServerScript script;
    script.flood = [](std::size_t chunk) -> std::string {
        if (chunk == 0) {
            return ready_and_started() + event("agent_thinking", {{"reasoning", "many"}});
        }
        const std::size_t first = (chunk - 1) * kBatch;
        if (first < kTools) {
            std::string out;
            for (std::size_t i = first; i < std::min(kTools, first + kBatch); ++i) {
                out += event("tool_executing", {{"tool_name", "tool-" + std::to_string(i)},
                                                {"tool_call_id", "call-" + std::to_string(i)}});
            }
            return out;
        }
        if (first < kTools + kBatch) {
            return event("agent_completed", {{"final_response", "done"}});
        }
        return {};
    };
    RawFrameServer server(std::move(script));
    const PeakRss rss;
    const JourneyResult result = run_against(server);
    const std::size_t growth = rss.peak_growth_bytes();
    const std::string line = verdict_line(result);
    std::cout << "peak RSS growth " << growth / 1024 << " KiB, verdict line " << line.size()
              << " bytes\n";
    ASSERT_TRUE(result.failure) << line.substr(0, 4096);
    EXPECT_EQ(result.failure->kind_label(), "protocol_violation(tool_open_at_completion)");
    EXPECT_LE(line.size(), 4096U);
    EXPECT_NE(line.find("tool-0"), std::string::npos) << line.substr(0, 4096);
    if (!kSanitized) {
        EXPECT_LT(growth, 20 * kMiB);
    }
}

TEST(BoundedMemorySoak, OneSixteenMegabyteFrameCostsAFewTimesItsSize) {
    const std::string head = R"({"type":"agent_thinking","data":{"reasoning":")";
    const std::string tail = R"("}})";
    const std::size_t frame_size = EndpointConfig{}.max_message_bytes;  // 16 MiB, the limit
    const std::size_t filler = frame_size - head.size() - tail.size();
    constexpr std::size_t kPiece = 64U * 1024U;
    // The frame goes out in 64 KiB pieces: the server holds none of it whole.
    const std::size_t pieces = (filler + kPiece - 1) / kPiece;
    RawServerScript script;
    script.flood = [&, pieces](std::size_t chunk) -> std::string {
        if (chunk == 0) {
            test::RawFrame frame = text_frame({});
            frame.declared_length = frame_size;
            return ready_and_started() + frame.bytes() + head;
        }
        if (chunk <= pieces) {
            const std::size_t size = std::min(kPiece, filler - (chunk - 1) * kPiece);
            return std::string(size, 'x');
        }
        if (chunk == pieces + 1) {
            return tail +
                   event("tool_executing", {{"tool_name", "orders"}, {"tool_call_id", "t1"}}) +
                   event("tool_completed",
                         {{"tool_name", "orders"}, {"tool_call_id", "t1"}, {"result", "ok"}}) +
                   event("agent_completed", {{"final_response", "done"}});
        }
        return {};
    };
    RawFrameServer server(std::move(script));
    const PeakRss rss;
    const JourneyResult result = run_against(server);
    const std::size_t growth = rss.peak_growth_bytes();
    std::cout << "frame " << frame_size << " bytes, peak RSS growth " << growth / 1024 << " KiB ("
              << static_cast<double>(growth) / static_cast<double>(frame_size)
              << " times the frame)\n";
    EXPECT_TRUE(result.passed()) << verdict_line(result);
    EXPECT_LT(result.to_string().size(), 64U * 1024U);
    // Before issue 13 this was 6.1 times the frame. The goal is 3 times; what is left above it is
    // the allocator's growth of Beast's read buffer and of nlohmann's string token (freed holes
    // that stay resident), so the bound here is the one reached, to keep it from coming back.
    if (!kSanitized) {
        EXPECT_LE(growth, 5 * frame_size);
    }
}

}  // namespace
}  // namespace goldenpath
