// Issue 17, item 3: what parsing a golden-path frame costs with nlohmann::json (what goldenpath
// did) against simdjson (Debian libsimdjson-dev; what parse_event uses when the build has it),
// side by side in one run. Event::body is an nlohmann::json, so simdjson only helps because parsing
// with it and then building that body beats nlohmann's own parse; the on-demand row is the floor
// of a design that would not build a body.
// Built only when both Google Benchmark and simdjson are found (bench/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>
#include <simdjson.h>
#include <nlohmann/json.hpp>

#include "frame_json.hpp"
#include "golden_frames.hpp"
#include "goldenpath/bounded_json.hpp"
#include "goldenpath/event.hpp"
#include "goldenpath/protocol_profile.hpp"

namespace {

const std::vector<std::string>& frames() {
    static const std::vector<std::string> golden =
        goldenpath::bench::golden_frames(goldenpath::default_profile(), 0);
    return golden;
}

void count_frames(benchmark::State& state) {
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(frames().size()));
}

void BM_NlohmannParse(benchmark::State& state) {
    for (auto _ : state) {
        for (const std::string& frame : frames()) {
            benchmark::DoNotOptimize(nlohmann::json::parse(frame));
        }
    }
    count_frames(state);
}
BENCHMARK(BM_NlohmannParse);

// What parse_event parses with: a depth scan, then nlohmann::json::parse.
void BM_BoundedParse(benchmark::State& state) {
    const std::size_t max_depth = goldenpath::default_profile().max_json_depth;
    for (auto _ : state) {
        for (const std::string& frame : frames()) {
            benchmark::DoNotOptimize(goldenpath::parse_bounded_json(frame, max_depth));
        }
    }
    count_frames(state);
}
BENCHMARK(BM_BoundedParse);

// The whole of parse_event: the parse, the type, ids and timestamp looked up, the Event made.
void BM_ParseEvent(benchmark::State& state) {
    const auto profile = goldenpath::default_profile();
    for (auto _ : state) {
        for (std::size_t i = 0; i < frames().size(); ++i) {
            benchmark::DoNotOptimize(goldenpath::parse_event(frames()[i], profile, {}, i));
        }
    }
    count_frames(state);
}
BENCHMARK(BM_ParseEvent);

// simdjson's DOM parser, reused across frames as a connection would reuse it; each frame is
// copied into its padded buffer, as a frame read from a socket would be.
void BM_SimdjsonParse(benchmark::State& state) {
    simdjson::dom::parser parser;
    for (auto _ : state) {
        for (const std::string& frame : frames()) {
            simdjson::dom::element root;
            if (parser.parse(frame).get(root) != simdjson::SUCCESS) {
                state.SkipWithError("simdjson rejected a golden frame");
                return;
            }
            benchmark::DoNotOptimize(root);
        }
    }
    count_frames(state);
}
BENCHMARK(BM_SimdjsonParse);

// The parse parse_event makes now (lib/src/frame_json.cpp): simdjson's DOM, on the thread's
// parser, built into the same nlohmann::json body nlohmann's parse makes.
void BM_SimdjsonParseToNlohmann(benchmark::State& state) {
    const std::size_t max_depth = goldenpath::default_profile().max_json_depth;
    for (auto _ : state) {
        for (const std::string& frame : frames()) {
            auto body = goldenpath::detail::parse_frame_json_fast(frame, max_depth);
            if (!body) {
                state.SkipWithError("the fast frame parser declined a golden frame");
                return;
            }
            benchmark::DoNotOptimize(body);
        }
    }
    count_frames(state);
}
BENCHMARK(BM_SimdjsonParseToNlohmann);

// The floor without a body: on demand, only the three fields the verifier routes on. The frames
// are padded beforehand, as a connection reading into a padded buffer would have them.
void BM_SimdjsonOnDemandRoutingFields(benchmark::State& state) {
    const auto profile = goldenpath::default_profile();
    std::vector<simdjson::padded_string> padded;
    for (const std::string& frame : frames()) {
        padded.emplace_back(frame);
    }
    simdjson::ondemand::parser parser;
    for (auto _ : state) {
        for (const simdjson::padded_string& frame : padded) {
            simdjson::ondemand::document document;
            std::string_view type;
            std::string_view run;
            std::string_view thread;
            if (parser.iterate(frame).get(document) != simdjson::SUCCESS ||
                document[profile.type_field].get_string().get(type) != simdjson::SUCCESS ||
                document[profile.run_id_field].get_string().get(run) != simdjson::SUCCESS ||
                document[profile.thread_id_field].get_string().get(thread) != simdjson::SUCCESS) {
                state.SkipWithError("simdjson could not read a golden frame's routing fields");
                return;
            }
            benchmark::DoNotOptimize(type);
            benchmark::DoNotOptimize(run);
            benchmark::DoNotOptimize(thread);
        }
    }
    count_frames(state);
}
BENCHMARK(BM_SimdjsonOnDemandRoutingFields);

}  // namespace

BENCHMARK_MAIN();
