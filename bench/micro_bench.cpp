// goldenpath-micro-bench: Google Benchmark micro-benchmarks that split the cost of judging one
// golden-path run (issue 7 (d)) into its parts, so the end-to-end verifier figure of
// goldenpath-bench can be explained: what one verifier per run costs, what feeding costs once the
// verifier exists, and how much of feeding is the timeline's Event::summary.
//
//   build/bench/bench/goldenpath-micro-bench [--benchmark_filter=...] [--benchmark_format=json]
//
// No I/O, no sockets: every input is built before timing starts.

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "golden_frames.hpp"
#include "goldenpath/event.hpp"
#include "goldenpath/event_sequence_verifier.hpp"
#include "goldenpath/protocol_profile.hpp"

namespace {

using goldenpath::Event;
using goldenpath::EventSequenceVerifier;

constexpr std::size_t kRunsPerBatch = 1000;

using goldenpath::bench::golden_frames;

std::vector<Event> golden_events(const goldenpath::ProtocolProfile& profile, std::size_t run) {
    std::vector<Event> events;
    const auto frames = golden_frames(profile, run);
    for (std::size_t i = 0; i < frames.size(); ++i) {
        events.push_back(std::get<Event>(goldenpath::parse_event(frames[i], profile, {}, i)));
    }
    return events;
}

// What a journey paid once per run before any event when it copied the profile into its
// verifier; a verifier made from a shared profile (BM_VerifierPerRun) copies nothing.
void BM_ProfileCopy(benchmark::State& state) {
    const auto profile = goldenpath::default_profile();
    for (auto _ : state) {
        goldenpath::ProtocolProfile copy = profile;
        benchmark::DoNotOptimize(copy);
    }
}
BENCHMARK(BM_ProfileCopy);

enum class ProfileSource { shared, copied };
enum class VerdictTaken { moved, copied };

// One run of (d): verifier, start_run, five feeds, verdict. items = events.
void verifier_per_run(benchmark::State& state, ProfileSource source, VerdictTaken taken) {
    const auto profile = goldenpath::default_profile();
    const auto shared_profile = std::make_shared<const goldenpath::ProtocolProfile>(profile);
    const auto events = golden_events(profile, 0);
    for (auto _ : state) {
        EventSequenceVerifier verifier = source == ProfileSource::shared
                                             ? EventSequenceVerifier(shared_profile)
                                             : EventSequenceVerifier(profile);
        verifier.start_run("thread-0", "run-0", {});
        for (const Event& event : events) {
            verifier.feed(event);
        }
        // The connection's verdict, as a journey takes it.
        benchmark::DoNotOptimize(taken == VerdictTaken::moved
                                     ? std::move(verifier).verdict().passed()
                                     : verifier.verdict().passed());
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(events.size()));
}

// The whole of (d) per run, the verdict moved out as a journey takes it.
void BM_VerifierPerRun(benchmark::State& state) {
    verifier_per_run(state, ProfileSource::shared, VerdictTaken::moved);
}
BENCHMARK(BM_VerifierPerRun);

// The verdict copied out of a verifier that may still be fed.
void BM_VerifierPerRunCopiedVerdict(benchmark::State& state) {
    verifier_per_run(state, ProfileSource::shared, VerdictTaken::copied);
}
BENCHMARK(BM_VerifierPerRunCopiedVerdict);

// A verifier that copies (and prepares) its own profile, as one made from a `ProtocolProfile`
// value does.
void BM_VerifierPerRunCopiedProfile(benchmark::State& state) {
    verifier_per_run(state, ProfileSource::copied, VerdictTaken::copied);
}
BENCHMARK(BM_VerifierPerRunCopiedProfile);

// Feeding alone: verifiers and their runs exist before timing, so this is rule checking, routing
// and timeline recording (including Event::summary). items = events.
void BM_VerifierFeed(benchmark::State& state) {
    const auto profile = goldenpath::default_profile();
    const auto shared_profile = std::make_shared<const goldenpath::ProtocolProfile>(profile);
    const auto events = golden_events(profile, 0);
    std::vector<EventSequenceVerifier> verifiers;
    std::size_t next = kRunsPerBatch;
    for (auto _ : state) {
        if (next == kRunsPerBatch) {
            state.PauseTiming();
            verifiers.assign(kRunsPerBatch, EventSequenceVerifier(shared_profile));
            for (auto& verifier : verifiers) {
                verifier.start_run("thread-0", "run-0", {});
            }
            next = 0;
            state.ResumeTiming();
        }
        for (const Event& event : events) {
            benchmark::DoNotOptimize(verifiers[next].feed(event));
        }
        ++next;
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(events.size()));
}
BENCHMARK(BM_VerifierFeed);

// The timeline's one-line description of each event, made once per fed event. items = events.
void BM_EventSummary(benchmark::State& state) {
    const auto profile = goldenpath::default_profile();
    const auto events = golden_events(profile, 0);
    for (auto _ : state) {
        for (const Event& event : events) {
            benchmark::DoNotOptimize(event.summary(profile));
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(events.size()));
}
BENCHMARK(BM_EventSummary);

// JSON text to Event (nlohmann parse plus envelope extraction). items = events.
void BM_ParseEvent(benchmark::State& state) {
    const auto profile = goldenpath::default_profile();
    const auto frames = golden_frames(profile, 0);
    for (auto _ : state) {
        for (std::size_t i = 0; i < frames.size(); ++i) {
            benchmark::DoNotOptimize(goldenpath::parse_event(frames[i], profile, {}, i));
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(frames.size()));
}
BENCHMARK(BM_ParseEvent);

}  // namespace

BENCHMARK_MAIN();
