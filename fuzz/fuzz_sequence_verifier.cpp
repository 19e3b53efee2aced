// Arbitrary event streams through the verifier. Input: first byte picks options, then one frame
// per line. Invariants checked: no crash, a passed verdict has no violation and is completed.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "goldenpath/event.hpp"
#include "goldenpath/event_sequence_verifier.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    auto profile = goldenpath::default_profile();
    profile.require_tool = (data[0] & 1U) != 0;
    const std::size_t runs = 1U + ((data[0] >> 1U) & 3U);
    goldenpath::EventSequenceVerifier verifier(profile);
    const auto origin = goldenpath::Clock::now();
    for (std::size_t run = 0; run < runs; ++run) {
        verifier.start_run("thread-" + std::to_string(run),
                           run % 2 == 0 ? "run-" + std::to_string(run) : "", origin);
    }
    std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    std::size_t index = 0;
    while (!rest.empty()) {
        const auto newline = rest.find('\n');
        const auto line = rest.substr(0, newline);
        auto parsed =
            goldenpath::parse_event(line, profile, origin + goldenpath::Milliseconds(index), index);
        if (const auto* event = std::get_if<goldenpath::Event>(&parsed)) {
            (void)verifier.feed(*event);
        }
        ++index;
        rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    }
    if ((data[0] & 8U) != 0) {
        verifier.end_of_stream("fuzz end");
    }
    const auto verdict = verifier.verdict();
    if (verdict.passed() && (verdict.violation || !verdict.completed)) {
        __builtin_trap();
    }
    for (std::size_t run = 0; run < runs; ++run) {
        const auto per_run = verifier.verdict(run);
        (void)per_run.to_string();
    }
    (void)verdict.to_string();
    (void)goldenpath::format_timeline(verdict.timeline);
    return 0;
}
