// Issue 17, item 3: what parsing a golden-path frame costs with nlohmann::json (what goldenpath
// does) against simdjson (Debian libsimdjson-dev), side by side in one run. Event::body is an
// nlohmann::json, so simdjson only helps if parsing with it and then building that body beats
// nlohmann's own parse; the on-demand row is the floor of a design that would not build a body.
// Built only when both Google Benchmark and simdjson are found (bench/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <benchmark/benchmark.h>
#include <simdjson.h>
#include <nlohmann/json.hpp>

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

// simdjson's DOM as an nlohmann::json, as Event::body would need it. The DOM's depth is bounded
// by the parser (simdjson's max depth), so the recursion is too.
nlohmann::json to_nlohmann(simdjson::dom::element element) {
    switch (element.type()) {
        case simdjson::dom::element_type::OBJECT: {
            nlohmann::json object = nlohmann::json::object();
            for (const auto field : simdjson::dom::object(element)) {
                object.emplace(std::string(field.key), to_nlohmann(field.value));
            }
            return object;
        }
        case simdjson::dom::element_type::ARRAY: {
            nlohmann::json array = nlohmann::json::array();
            for (const auto item : simdjson::dom::array(element)) {
                array.push_back(to_nlohmann(item));
            }
            return array;
        }
        case simdjson::dom::element_type::STRING:
            return std::string(std::string_view(element));
        case simdjson::dom::element_type::INT64:
            return std::int64_t(element);
        case simdjson::dom::element_type::UINT64:
            return std::uint64_t(element);
        case simdjson::dom::element_type::DOUBLE:
            return double(element);
        case simdjson::dom::element_type::BOOL:
            return bool(element);
        case simdjson::dom::element_type::NULL_VALUE:
            return nullptr;
    }
    return nullptr;
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
// copied into its padded buffer, as a frame read from a socket would be. `use` gets each root.
template <class UseRoot>
void parse_with_simdjson_dom(benchmark::State& state, UseRoot use) {
    simdjson::dom::parser parser;
    for (auto _ : state) {
        for (const std::string& frame : frames()) {
            simdjson::dom::element root;
            if (parser.parse(frame).get(root) != simdjson::SUCCESS) {
                state.SkipWithError("simdjson rejected a golden frame");
                return;
            }
            use(root);
        }
    }
    count_frames(state);
}

void BM_SimdjsonParse(benchmark::State& state) {
    parse_with_simdjson_dom(state,
                            [](simdjson::dom::element root) { benchmark::DoNotOptimize(root); });
}
BENCHMARK(BM_SimdjsonParse);

// What replacing nlohmann's parse with simdjson would cost while Event::body stays nlohmann.
void BM_SimdjsonParseToNlohmann(benchmark::State& state) {
    parse_with_simdjson_dom(
        state, [](simdjson::dom::element root) { benchmark::DoNotOptimize(to_nlohmann(root)); });
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
