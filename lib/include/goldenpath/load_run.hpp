#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "goldenpath/clock.hpp"
#include "goldenpath/endpoint_config.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/host_resolver.hpp"
#include "goldenpath/load_settings.hpp"
#include "goldenpath/load_summary.hpp"
#include "goldenpath/protocol_profile.hpp"
#include "goldenpath/throughput_series.hpp"
#include "goldenpath/user_limits.hpp"
#include "goldenpath/websocket_client.hpp"

namespace goldenpath {

// Journeys finished so far, for progress displays.
struct LoadProgress {
    std::size_t completed = 0;
    std::size_t passed = 0;
    std::size_t failed = 0;
    std::size_t planned = 0;  // users x runs per user; fewer run when the duration ends first
};

// What a load run does. Its base LoadSettings holds `users` (1..kMaxLoadUsers) and `sla`
// (evaluated into LoadReport::slas), set as options.users and options.sla.
struct LoadRunOptions : LoadSettings {
    // URL, fallbacks, tokens (handed to users in turn), timeouts, retries, TLS and transport.
    EndpointConfig config;
    ProtocolProfile profile = default_profile();
    std::size_t runs_per_user = 1;  // journeys one after another per user, each on a new connection
    // Users start spread evenly over this time: user i of n starts at i * ramp_up / n.
    Milliseconds ramp_up{0};
    // No journey starts after this much time from the start of the run; journeys in flight
    // finish within their own deadlines. nullopt = no bound.
    std::optional<Milliseconds> duration;
    std::string message = "What is the status of my order?";
    std::shared_ptr<HostResolver> resolver = system_resolver();
    // Makes the client of each connection attempt of `user`; default: the asynchronous client
    // on the run's EventLoop. Unit tests pass InMemoryClient or MockWebSocketClient here.
    // The factory is called on the loop; its clients block, so each runs on a thread of its own
    // (only the default client needs no thread).
    std::function<std::unique_ptr<WebSocketClient>(std::size_t user)> client_factory;
    // Called after every finished journey, from a loop thread. Calls of one run() never overlap;
    // concurrent run()s (of this LoadRun or of copies of these options) call it concurrently.
    std::function<void(const LoadProgress&)> on_progress;
    // Threads of the EventLoop that drives every user's connections (1-EventLoop::kMaxThreads).
    std::size_t io_threads = 1;

    // Every GOLDENPATH_* variable: the endpoint's (EndpointConfig::from_environment), users and
    // sla (LoadSettings::from_environment), and GOLDENPATH_PROFILE read into `profile`. Throws
    // ConfigError naming the variable.
    static LoadRunOptions from_environment(const EnvironmentLookup& env);
    // A config object with EndpointConfig::from_json's keys, "users" and "sla"; "profile" is read
    // into `profile`. Throws ConfigError naming the JSON pointer.
    static LoadRunOptions from_json(const nlohmann::json& json);
};

// A user that received an event of a run or thread it never started (docs/wire-contract.md
// `foreign_event`): another user's events leaking into this connection.
struct IsolationViolation {
    std::size_t user = 0;
    std::size_t run = 0;  // index of the journey among this user's runs
    std::string thread_id;
    std::string run_id;
    std::string message;  // the verifier's foreign_event message: which event, whose ids

    // "user 3 run 0 (thread thread-3-..., run run-3-...): foreign_event: event #2 is ..."
    std::string to_string() const;
};

struct IsolationReport {
    static constexpr std::size_t kDescribed = 5;

    std::size_t count = 0;
    std::vector<IsolationViolation> first;  // the first kDescribed, by user and run

    // "isolation: 2 violations; user 3 run 0 (...): ...; ...", or "isolation: no violations".
    std::string to_string() const;
};

struct LoadJourney {
    std::size_t user = 0;
    std::size_t run = 0;
    JourneyResult result;
    double finished_ms = 0;  // since the start of the run
};

struct LoadReport {
    std::vector<LoadJourney> journeys;  // by user, then run
    LoadSummary summary;
    IsolationReport isolation;
    std::vector<SlaResult> slas;  // of options.sla, in order
    double wall_ms = 0;
    ThroughputSeries throughput;  // journeys finished and failed per second
    // Users of the run and the tokens they were handed in turn: more users than tokens share
    // accounts (user i gets token i mod tokens), which to_string() and to_json() say.
    std::size_t users = 0;
    std::size_t tokens = 0;
    bool accounts_shared() const noexcept { return tokens > 0 && users > tokens; }

    // Every journey followed the golden path (at least one ran), no isolation violation, and
    // every SLA held.
    bool passed() const;
    std::vector<JourneySample> samples() const;
    // The summary table, the shared-accounts line when users share tokens, the isolation line
    // when violated, and one line per SLA.
    std::string to_string() const;
    // schema_version (kLoadReportSchemaVersion), passed, summary (mergeable), accounts (users,
    // tokens, shared), isolation, slas, wall_ms, throughput, samples and journeys (each with its
    // user and run).
    nlohmann::json to_json() const;
};

// Runs the golden path for many users at once (docs/architecture.md): each user runs
// `runs_per_user` journeys one after another; users start spread over the ramp-up; the duration
// stops new journeys. Isolation violations and SLAs are judged on the results.
//
// Threads: none per user. Every journey is a GoldenPathJourney::async_run on one EventLoop with
// `io_threads` threads; ramp-up starts are timers on it. When the users need more file
// descriptors than the RLIMIT_NOFILE soft limit allows, it is raised to the hard limit.
// Thread-safe: run() only reads the options and drives an EventLoop of its own, so any thread may
// call it; the options' callbacks are called from that loop's threads.
class LoadRun {
  public:
    // Throws ConfigError (id "goldenpath.load") naming the field when users, runs, ramp-up,
    // duration, an SLA or the endpoint config are invalid, or when the descriptor hard limit is
    // too low for the users.
    explicit LoadRun(LoadRunOptions options);

    LoadReport run();

  private:
    LoadRunOptions options_;
};

// Raises the RLIMIT_NOFILE soft limit to the hard limit when it is below `wanted`; throws
// ConfigError naming `field` when the hard limit is below `required` (<= wanted).
void ensure_descriptor_limit(std::size_t wanted, std::size_t required, const std::string& field);

// Throws ConfigError naming `field` when `users` users (kMemoryPerUser each, user_limits.hpp)
// need more memory than this process may still take: the least of MemAvailable, the room under
// its cgroup's memory.max and under RLIMIT_AS. Nothing is checked where none can be read.
void ensure_memory_for_users(std::size_t users, const std::string& field);

}  // namespace goldenpath
