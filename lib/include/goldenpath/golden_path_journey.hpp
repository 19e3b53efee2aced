#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "goldenpath/endpoint_config.hpp"
#include "goldenpath/event_loop.hpp"
#include "goldenpath/event_sequence_verifier.hpp"
#include "goldenpath/failure.hpp"
#include "goldenpath/host_resolver.hpp"
#include "goldenpath/protocol_profile.hpp"
#include "goldenpath/websocket_client.hpp"

namespace goldenpath {

// Phase timings of one journey, in milliseconds; absent when the phase was not reached.
struct PhaseTimings {
    std::optional<double> connect_ms;      // TCP + TLS + upgrade, successful attempt
    std::optional<double> ready_ms;        // connection_established after upgrade
    std::optional<double> first_event_ms;  // first run event after the start message
    std::optional<double> completion_ms;   // agent_completed after the start message
};

struct JourneyResult {
    std::optional<Failure> failure;  // nullopt when the golden path was followed
    Verdict verdict;
    PhaseTimings timings;
    std::string url;        // the URL that was used (redacted), or the last one tried
    std::string thread_id;  // of the run this journey started
    std::string run_id;
    // Raw received text frames, in order (for JSONL dumps): at most the first 1000 and the last
    // 100, each cut to 64 KiB; `frames_omitted` frames were left out after the first
    // `frames_omitted_at` of them.
    std::vector<std::string> frames;
    std::size_t frames_omitted = 0;
    std::size_t frames_omitted_at = 0;
    // The connection did not verify the server's certificate (insecure_skip_verify): the result
    // says so loudly in to_string() and to_json().
    bool tls_verification_skipped = false;

    bool passed() const noexcept { return !failure.has_value(); }
    // Timeline, timings and verdict line, for people.
    std::string to_string() const;
    // Machine-readable form, with "schema_version".
    nlohmann::json to_json() const;
};

struct JourneyOptions {
    EndpointConfig config;
    ProtocolProfile profile = default_profile();
    std::string message = "What is the status of my order?";
    std::string thread_id;  // generated when empty
    std::string run_id;     // generated when empty
    std::size_t user = 0;   // picks the token (round robin) and the generated ids
    std::shared_ptr<HostResolver> resolver = system_resolver();
    // Makes the client for each attempt; default: BeastClient with `resolver` (async_run: the
    // same connection, asynchronous, on the loop). Under async_run the factory is called on the
    // loop, and its clients, which block, each run on a thread of their own, so they never hold
    // up the loop's other connections.
    std::function<std::unique_ptr<WebSocketClient>()> client_factory;
};

// The upgrade request for `user` at `url`: the config's headers, deadlines and TLS settings, and
// the user's token sent the ways the profile's auth_methods say (header, subprotocol, query),
// listed in `secrets` so failures redact it. For code that drives a WebSocketClient itself.
ConnectRequest connect_request_for(const EndpointConfig& config, const ProtocolProfile& profile,
                                   std::size_t user, const Url& url);

// One user's golden path: connect (retries and fallback URLs), wait for ready, send the start
// message, collect until completion or failure, verify, time (docs/wire-contract.md,
// docs/staging-and-load.md).
//
// One implementation serves all three entry points: run() and run(client) block the caller (a
// private EventLoop runs the journey; retry backoff is a timer on it), async_run() runs it on the
// caller's EventLoop next to any number of other journeys, with no thread of its own.
// Thread-safe: its members only read the options, so any thread may start it, even several times
// at once; the options' resolver and client_factory are then called concurrently, too.
namespace detail {
struct JourneyPlan;
}

class GoldenPathJourney {
  public:
    using Handler = std::function<void(JourneyResult)>;

    explicit GoldenPathJourney(JourneyOptions options);

    JourneyResult run();
    // Runs on an already made client (connects it): for mocks and custom transports.
    JourneyResult run(WebSocketClient& client);
    // Starts the journey on `loop` and returns at once; `done` runs exactly once, on the loop or
    // through `completions` when given, with the same result run() would give. The journey shares
    // the options with this object (neither changes them), so this object may be destroyed right
    // after the call; `loop` must outlive the journey.
    void async_run(EventLoop& loop, Handler done, CompletionExecutor completions = {}) const;

  private:
    std::shared_ptr<const detail::JourneyPlan> plan_;  // the completed options and their redactor
};

}  // namespace goldenpath
