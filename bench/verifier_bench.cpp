#include "verifier_bench.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>

#include "golden_frames.hpp"
#include "goldenpath/bounded_json.hpp"
#include "goldenpath/clock.hpp"
#include "goldenpath/event.hpp"
#include "goldenpath/event_sequence_verifier.hpp"
#include "goldenpath/protocol_profile.hpp"

namespace goldenpath::bench {

namespace {

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// The verifier alone, on pre-parsed events, then parse_event + verify on text frames, then the
// frames parsed by nlohmann::json alone (parse_bounded_json + make_event: parse_event before
// simdjson) + verify, side by side. The three cycle through the frames of kVerifierWorkingSetRuns
// runs (distinct ids), in cache as the event a journey has just parsed is. "preparsed_cold" feeds
// each of --events distinct events once: that row is mostly the memory latency of walking 200 000
// runs' parsed bodies, not the verifier.
constexpr std::size_t kVerifierWorkingSetRuns = 8;

struct VerifierInput {
    std::string thread_id;
    std::string run_id;
    std::vector<std::string> texts;
    std::vector<Event> events;
};

std::vector<VerifierInput> verifier_inputs(const ProtocolProfile& profile, std::size_t runs,
                                           Clock::time_point arrival) {
    std::vector<VerifierInput> inputs(runs);
    for (std::size_t run = 0; run < runs; ++run) {
        VerifierInput& input = inputs[run];
        input.thread_id = fmt::format("thread-{}", run);
        input.run_id = fmt::format("run-{}", run);
        input.texts = golden_frames(profile, run);
        for (std::size_t i = 0; i < input.texts.size(); ++i) {
            input.events.push_back(
                std::get<Event>(parse_event(input.texts[i], profile, arrival, i)));
        }
    }
    return inputs;
}

enum class Feed { preparsed, parse_event, nlohmann_parse };

Event parsed_by_nlohmann(const std::string& text, const ProtocolProfile& profile,
                         Clock::time_point arrival, std::size_t index) {
    return make_event(parse_bounded_json(text, profile.max_json_depth), profile, arrival, index);
}

// Judges `runs` runs, one verifier per run (one connection, one run: what every journey does),
// cycling through `inputs`, each frame fed as `feed` says.
nlohmann::json verify_runs(const std::vector<VerifierInput>& inputs, std::size_t runs, Feed feed,
                           const std::shared_ptr<const ProtocolProfile>& profile,
                           Clock::time_point arrival, double max_seconds) {
    std::size_t fed = 0;
    std::size_t passed = 0;
    const auto start = Clock::now();
    for (std::size_t run = 0; run < runs && seconds_since(start) < max_seconds; ++run) {
        const VerifierInput& input = inputs[run % inputs.size()];
        EventSequenceVerifier verifier(profile);
        verifier.start_run(input.thread_id, input.run_id, arrival);
        for (std::size_t i = 0; i < input.events.size(); ++i) {
            switch (feed) {
                case Feed::preparsed:
                    verifier.feed(input.events[i]);
                    break;
                case Feed::parse_event:
                    verifier.feed(
                        std::get<Event>(parse_event(input.texts[i], *profile, arrival, i)));
                    break;
                case Feed::nlohmann_parse:
                    verifier.feed(parsed_by_nlohmann(input.texts[i], *profile, arrival, i));
                    break;
            }
            ++fed;
        }
        // As a journey reads its verdict: the connection's, once, when its verifier is done with.
        passed += std::move(verifier).verdict().passed() ? 1U : 0U;
    }
    const auto seconds = seconds_since(start);
    return {{"events", fed},
            {"runs_passed", passed},
            {"seconds", seconds},
            {"events_per_s", static_cast<double>(fed) / seconds}};
}

}  // namespace

nlohmann::json bench_verifier(std::size_t events, double max_seconds) {
    // Shared by the verifiers, as a journey's runs share it.
    const auto profile = std::make_shared<const ProtocolProfile>(default_profile());
    const std::size_t runs = std::max<std::size_t>(1, events / 5);
    const auto arrival = Clock::now();
    nlohmann::json out;
    {
        const auto working_set =
            verifier_inputs(*profile, std::min(runs, kVerifierWorkingSetRuns), arrival);
        out["preparsed"] =
            verify_runs(working_set, runs, Feed::preparsed, profile, arrival, max_seconds);
        out["parse_and_verify"] =
            verify_runs(working_set, runs, Feed::parse_event, profile, arrival, max_seconds);
        out["nlohmann_parse_and_verify"] =
            verify_runs(working_set, runs, Feed::nlohmann_parse, profile, arrival, max_seconds);
    }
    const auto distinct = verifier_inputs(*profile, runs, arrival);
    out["preparsed_cold"] =
        verify_runs(distinct, runs, Feed::preparsed, profile, arrival, max_seconds);
    return out;
}

}  // namespace goldenpath::bench
