// goldenpath-bench: timed end-to-end and micro workloads (issue 7), plain std::chrono timing.
// Every loop is bounded in count and in time; every socket is on 127.0.0.1.
//
//   goldenpath-bench [--url ws://127.0.0.1:PORT/ws] [--journeys N] [--floor-journeys N]
//                    [--runs N] [--events N] [--users N] [--io-threads N] [--max-seconds S]
//                    [--workloads journeys,runs,users,users_async,verifier,floor,bare_client]
//                    [--json FILE]
//                    [--profile agent-chat-v1|ag-ui|FILE]
//
// Workloads:
//   journeys  (a) N sequential GoldenPathJourneys, one connection each: journeys/s, p50, p99
//   runs      (b) one connection, many runs one after another: events/s
//   users     (c) N concurrent journeys, one thread each (GoldenPathJourney::run): wall,
//                 success, p50, p99, peak RSS, max threads
//   users_async   the same N journeys as one LoadRun (one run per user, as goldenpath-probe
//                 --users runs them) on one EventLoop of --io-threads threads (default 1): the
//                 same figures, side by side (run each in its own process: peak RSS is per
//                 process); phase deadlines of 10 s, for the queue at a one-thread server
//   verifier  (d) EventSequenceVerifier on pre-parsed events, and parse_event (and nlohmann alone)
//                 + verify on text
//   floor         raw loopback TCP per journey: connect, write the start message bytes, read
//                 the bytes of connection_established + five events, close: p50, p99; and a
//                 "ws-shaped" floor with a WebSocket journey's three round trips (upgrade,
//                 start/events, close), still plain bytes
//   bare_client   the ceiling: --journeys sequential journeys against --url from a client of
//                 blocking sockets that parses no JSON (bench/bare_ws_client.hpp), the most any
//                 client can reach against that server
// Without --url the end-to-end workloads run against an in-process AgentServerDouble.

#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "bare_ws_client.hpp"
#include "cli_common.hpp"
#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/beast_client.hpp"
#include "goldenpath/clock.hpp"
#include "goldenpath/config_error.hpp"
#include "goldenpath/endpoint_config.hpp"
#include "goldenpath/event.hpp"
#include "goldenpath/event_loop.hpp"
#include "goldenpath/event_sequence_verifier.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/load_run.hpp"
#include "goldenpath/protocol_profile.hpp"
#include "goldenpath/script.hpp"
#include "goldenpath/shipped_profiles.hpp"
#include "goldenpath/url.hpp"
#include "tcp_floor.hpp"
#include "verifier_bench.hpp"

namespace {

using goldenpath::Clock;

struct Args {
    std::string url;
    std::size_t journeys = 500;
    std::size_t floor_journeys = 5000;
    std::size_t runs = 2000;
    std::size_t events = 200000;
    std::size_t users = 1000;
    std::size_t io_threads = 1;
    double max_seconds = 20.0;
    std::vector<std::string> workloads = {"journeys", "floor", "verifier"};
    std::string json_file;
    // The journeys' protocol: agent-chat-v1, or e.g. ag-ui for an event-stream URL.
    goldenpath::ProtocolProfile profile = goldenpath::default_profile();
};

constexpr std::string_view kWorkloads[] = {"journeys", "runs",  "users",      "users_async",
                                           "verifier", "floor", "bare_client"};

std::size_t parse_count(std::string_view text, std::string_view flag) {
    std::size_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr != end || value == 0) {
        throw goldenpath::cli::UsageError{fmt::format("{} must be a positive integer", flag)};
    }
    return value;
}

std::vector<std::string> split(std::string_view text) {
    std::vector<std::string> parts;
    while (!text.empty()) {
        const auto comma = text.find(',');
        parts.emplace_back(text.substr(0, comma));
        if (comma == std::string_view::npos) {
            break;
        }
        text.remove_prefix(comma + 1);
    }
    return parts;
}

Args parse_args(int argc, char** argv) {
    Args args;
    CLI::App app;
    goldenpath::cli::configure(app);
    app.add_option("--url", args.url);
    const auto count = [&app](const std::string& flag, std::size_t& target) {
        app.add_option_function<std::string>(
            flag, [&target, flag](const std::string& text) { target = parse_count(text, flag); });
    };
    count("--journeys", args.journeys);
    count("--floor-journeys", args.floor_journeys);
    count("--runs", args.runs);
    count("--events", args.events);
    count("--users", args.users);
    count("--io-threads", args.io_threads);
    app.add_option_function<std::string>("--max-seconds", [&args](const std::string& text) {
        args.max_seconds = static_cast<double>(parse_count(text, "--max-seconds"));
    });
    app.add_option_function<std::string>("--workloads", [&args](const std::string& text) {
        args.workloads = split(text);
        for (const auto& workload : args.workloads) {
            if (std::find(std::begin(kWorkloads), std::end(kWorkloads), workload) ==
                std::end(kWorkloads)) {
                throw goldenpath::cli::UsageError{
                    fmt::format("--workloads: unknown workload '{}' (known: {})", workload,
                                fmt::join(std::begin(kWorkloads), std::end(kWorkloads), ","))};
            }
        }
    });
    app.add_option("--json", args.json_file);
    app.add_option_function<std::string>("--profile", [&args](const std::string& text) {
        try {
            args.profile = goldenpath::resolve_profile(text, "--profile");
        } catch (const goldenpath::ConfigError& error) {
            throw goldenpath::cli::UsageError{fmt::format("--profile: {}", error.what())};
        }
    });
    goldenpath::cli::parse(app, std::vector<std::string>(argv + 1, argv + argc));
    if (const auto unknown = goldenpath::cli::first_unknown(app)) {
        throw goldenpath::cli::UsageError{fmt::format("unknown flag: {}", *unknown)};
    }
    if (args.io_threads > goldenpath::EventLoop::kMaxThreads) {
        throw goldenpath::cli::UsageError{fmt::format("--io-threads must be 1-{}, but is {}",
                                                      goldenpath::EventLoop::kMaxThreads,
                                                      args.io_threads)};
    }
    return args;
}

bool wants(const Args& args, std::string_view workload) {
    return std::find(args.workloads.begin(), args.workloads.end(), workload) !=
           args.workloads.end();
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Nearest-rank percentile of already sorted samples.
double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) {
        return 0.0;
    }
    const auto rank =
        static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
    return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

nlohmann::json latency_figures(std::vector<double> samples_ms, double seconds,
                               std::size_t failures) {
    std::sort(samples_ms.begin(), samples_ms.end());
    const auto count = samples_ms.size();
    return {{"journeys", count},
            {"failures", failures},
            {"seconds", seconds},
            {"journeys_per_s", seconds > 0 ? static_cast<double>(count) / seconds : 0.0},
            {"p50_ms", percentile(samples_ms, 50)},
            {"p99_ms", percentile(samples_ms, 99)},
            {"max_ms", samples_ms.empty() ? 0.0 : samples_ms.back()}};
}

goldenpath::JourneyOptions journey_options(const Args& args, const goldenpath::Url& url,
                                           std::size_t user) {
    goldenpath::JourneyOptions options;
    options.profile = args.profile;
    options.config.url = url;
    options.user = user;
    options.thread_id = fmt::format("thread-{}", user);
    options.run_id = fmt::format("run-{}", user);
    return options;
}

// (a) sequential journeys, one connection each.
nlohmann::json bench_journeys(const Args& args, const goldenpath::Url& url) {
    std::vector<double> samples;
    samples.reserve(args.journeys);
    std::size_t failures = 0;
    std::string first_failure;
    const auto start = Clock::now();
    for (std::size_t i = 0; i < args.journeys && seconds_since(start) < args.max_seconds; ++i) {
        const auto begin = Clock::now();
        const auto result = goldenpath::GoldenPathJourney(journey_options(args, url, i)).run();
        const auto ms = goldenpath::elapsed_ms(begin, Clock::now());
        if (result.passed()) {
            samples.push_back(ms);
        } else {
            ++failures;
            if (first_failure.empty()) {
                first_failure = result.failure->to_string();
            }
        }
    }
    auto figures = latency_figures(std::move(samples), seconds_since(start), failures);
    if (!first_failure.empty()) {
        figures["first_failure"] = first_failure;
    }
    return figures;
}

// (b) one connection, many runs one after another.
nlohmann::json bench_runs(const Args& args, const goldenpath::Url& url) {
    const auto profile = goldenpath::default_profile();
    goldenpath::EndpointConfig config;
    config.url = url;
    goldenpath::BeastClient client;
    const auto deadline_of = [] { return Clock::now() + std::chrono::seconds(5); };
    if (const auto failure =
            client.connect(goldenpath::connect_request_for(config, profile, 0, url))) {
        return {{"error", failure->to_string()}};
    }
    goldenpath::EventSequenceVerifier verifier(profile);
    std::size_t events = 0;
    std::size_t frame = 0;
    std::size_t runs = 0;
    std::size_t failed = 0;
    const auto start = Clock::now();
    for (; runs < args.runs && seconds_since(start) < args.max_seconds; ++runs) {
        const auto thread_id = fmt::format("thread-{}", runs);
        const auto run_id = fmt::format("run-{}", runs);
        const auto run = verifier.start_run(thread_id, run_id);
        if (client.send_text(profile.start_message("bench", thread_id, run_id))) {
            ++failed;
            break;
        }
        while (!verifier.finished(run)) {
            auto received = client.receive(deadline_of());
            if (received.status != goldenpath::ReceiveResult::Status::frame) {
                verifier.end_of_stream("receive failed");
                break;
            }
            auto parsed = goldenpath::parse_event(received.frame.text, profile,
                                                  received.frame.arrival, frame++);
            if (auto* event = std::get_if<goldenpath::Event>(&parsed)) {
                if (verifier.feed(*event) == goldenpath::EventRole::run_event) {
                    ++events;
                }
            }
        }
        if (!verifier.verdict(run).passed()) {
            ++failed;
            break;
        }
    }
    const auto seconds = seconds_since(start);
    client.close(1000, "done", deadline_of());
    return {{"runs", runs},
            {"failed_runs", failed},
            {"events", events},
            {"seconds", seconds},
            {"events_per_s", static_cast<double>(events) / seconds}};
}

long peak_rss_kb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

// The process's resident memory now (/proc/self/statm), 0 without /proc.
long current_rss_kb() {
    std::ifstream statm("/proc/self/statm");
    long pages = 0;
    long resident = 0;
    if (!(statm >> pages >> resident)) {
        return 0;
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// The number of this process's threads (entries of /proc/self/task); 0 without /proc.
std::size_t thread_count() {
    std::error_code error;
    std::size_t count = 0;
    for (std::filesystem::directory_iterator it("/proc/self/task", error), end; !error && it != end;
         it.increment(error)) {
        ++count;
    }
    return count;
}

// N journeys running at once: each reports its end here; the main thread waits for all of them
// and samples the process's thread count meanwhile. Sampling only on the main thread keeps the
// /proc reads off the journeys' threads in both models.
class ConcurrentUsers {
  public:
    // What the process holds before its users is read here, so that the figures can tell the
    // memory of the connections from that of the code and the libraries.
    explicit ConcurrentUsers(std::size_t users)
        : samples_ms_(users), rss_before_users_kb_(current_rss_kb()) {}

    // From any thread, once per user.
    void finished(std::size_t user, Clock::time_point begin,
                  const goldenpath::JourneyResult& result) {
        finished_after(user, goldenpath::elapsed_ms(begin, Clock::now()), result);
    }
    void finished_after(std::size_t user, double ms, const goldenpath::JourneyResult& result) {
        std::lock_guard lock(mutex_);
        if (result.passed()) {
            samples_ms_[user] = ms;
        } else if (first_failure_.empty()) {
            first_failure_ = result.failure->to_string();
        }
        if (++finished_ == samples_ms_.size()) {
            all_finished_.notify_all();
        }
    }

    // Only on the waiting thread: the thread count, and the heap in use (glibc's mallinfo2: the
    // arenas' chunks in use and the blocks malloc took with mmap, such as a large vector), which
    // tells what of the peak RSS the process's objects held from freed heap not yet reused.
    // mallinfo2 walks every free chunk while it holds the arena's lock: with 10 000 users, a few
    // milliseconds in which no journey can allocate. Taken every 5 ms it doubled their wall time
    // (perf: half the run in int_mallinfo), so the heap is sampled every kHeapPeriod.
    void sample() {
        static constexpr auto kHeapPeriod = std::chrono::milliseconds(250);
        max_threads_ = std::max(max_threads_, thread_count());
        const auto now = Clock::now();
        if (now - last_heap_sample_ >= kHeapPeriod) {
            const auto info = mallinfo2();
            max_heap_bytes_ = std::max(max_heap_bytes_, info.uordblks + info.hblkhd);
            last_heap_sample_ = now;
        }
    }

    // Waits until every user finished (true) or `deadline` passed (false), sampling the thread
    // count every kSamplePeriod meanwhile.
    bool wait(Clock::time_point deadline) {
        static constexpr auto kSamplePeriod = std::chrono::milliseconds(5);
        for (;;) {
            sample();
            std::unique_lock lock(mutex_);
            if (finished_ == samples_ms_.size()) {
                return true;
            }
            const auto now = Clock::now();
            if (now >= deadline) {
                return false;
            }
            all_finished_.wait_until(lock, std::min(deadline, now + kSamplePeriod),
                                     [&] { return finished_ == samples_ms_.size(); });
        }
    }

    // Call once no journey can report any more (threads joined, loop destroyed).
    nlohmann::json figures(double wall_s) const {
        std::lock_guard lock(mutex_);
        std::vector<double> passed;
        for (const auto& sample : samples_ms_) {
            if (sample) {
                passed.push_back(*sample);
            }
        }
        std::sort(passed.begin(), passed.end());
        const auto users = samples_ms_.size();
        nlohmann::json out = {
            {"users", users},
            {"succeeded", passed.size()},
            {"success_rate", static_cast<double>(passed.size()) / static_cast<double>(users)},
            {"wall_s", wall_s},
            {"p50_ms", percentile(passed, 50)},
            {"p99_ms", percentile(passed, 99)},
            {"peak_rss_mb", static_cast<double>(peak_rss_kb()) / 1024.0},
            {"rss_before_users_mb", static_cast<double>(rss_before_users_kb_) / 1024.0},
            {"peak_heap_in_use_mb", static_cast<double>(max_heap_bytes_) / (1024.0 * 1024.0)},
            {"max_threads", max_threads_}};
        if (finished_ != users) {
            out["unfinished_at_deadline"] = users - finished_;
        }
        if (!first_failure_.empty()) {
            out["first_failure"] = first_failure_;
        }
        return out;
    }

  private:
    mutable std::mutex mutex_;
    std::condition_variable all_finished_;
    std::vector<std::optional<double>> samples_ms_;  // per user; empty when it failed
    std::size_t finished_ = 0;
    std::string first_failure_;
    std::size_t max_threads_ = 0;     // only the waiting thread touches it
    std::size_t max_heap_bytes_ = 0;  // likewise
    long rss_before_users_kb_ = 0;
    Clock::time_point last_heap_sample_{};
};

Clock::time_point deadline_after(double seconds) {
    return Clock::now() +
           std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// (c) N users at once, one thread and one connection each.
nlohmann::json bench_users(const Args& args, const goldenpath::Url& url) {
    ConcurrentUsers users(args.users);
    std::vector<std::thread> threads;
    threads.reserve(args.users);
    const auto start = Clock::now();
    const auto deadline = deadline_after(args.max_seconds);
    for (std::size_t user = 0; user < args.users; ++user) {
        threads.emplace_back([&args, &users, &url, user] {
            const auto begin = Clock::now();
            users.finished(user, begin,
                           goldenpath::GoldenPathJourney(journey_options(args, url, user)).run());
        });
    }
    users.wait(deadline);
    // A thread cannot be abandoned: past the deadline this waits for the journeys' own deadlines.
    for (auto& thread : threads) {
        thread.join();
    }
    return users.figures(seconds_since(start));
}

// (c) the same N users as one LoadRun, as goldenpath-probe --users runs them: every journey
// asynchronous on one EventLoop (no thread per user), all reading one shared plan, every result
// kept for the report. The main thread samples the thread count meanwhile.
nlohmann::json bench_users_async(const Args& args, const goldenpath::Url& url) {
    ConcurrentUsers users(args.users);
    goldenpath::LoadRunOptions options;
    options.config.url = url;
    options.profile = args.profile;
    options.users = args.users;
    options.io_threads = args.io_threads;
    // All users start at once against one server thread, which upgrades them one after another
    // (10 000 take it about 2 s on 2 cores): the phase deadlines allow for that queue.
    constexpr goldenpath::Milliseconds kQueued{10000};
    auto& timeouts = options.config.timeouts;
    timeouts.connect = timeouts.upgrade = timeouts.ready = timeouts.first_event = kQueued;
    std::mutex mutex;
    std::condition_variable ended;
    bool done = false;
    std::optional<goldenpath::LoadReport> report;
    std::exception_ptr error;
    const auto start = Clock::now();
    std::thread runner([&] {
        try {
            report = goldenpath::LoadRun(std::move(options)).run();
        } catch (...) {
            error = std::current_exception();
        }
        std::lock_guard lock(mutex);
        done = true;
        ended.notify_all();
    });
    // Every journey ends within its own deadlines, so the run does too.
    {
        std::unique_lock lock(mutex);
        do {
            lock.unlock();
            users.sample();
            lock.lock();
        } while (!ended.wait_for(lock, std::chrono::milliseconds(5), [&] { return done; }));
    }
    runner.join();
    const double wall_s = seconds_since(start);
    if (error) {
        std::rethrow_exception(error);
    }
    for (const auto& journey : report->journeys) {
        users.finished_after(journey.user, journey.finished_ms, journey.result);
    }
    auto figures = users.figures(wall_s);
    figures["io_threads"] = args.io_threads;
    return figures;
}

nlohmann::json bench_floor(const Args& args, bool ws_shaped) {
    auto run = goldenpath::bench::run_tcp_floor(args.floor_journeys, args.max_seconds, ws_shaped);
    auto figures = latency_figures(std::move(run.journeys.samples_ms), run.journeys.seconds,
                                   run.journeys.failures);
    if (run.journeys.failures != 0) {
        figures["first_failure"] = run.journeys.first_failure;
    }
    figures["round_trips"] = run.round_trips;
    figures["request_bytes"] = run.request_bytes;
    figures["response_bytes"] = run.response_bytes;
    return figures;
}

nlohmann::json bench_bare_client(const Args& args, const goldenpath::Url& url) {
    auto run = goldenpath::bench::run_bare_ws_client(url, args.journeys, args.max_seconds);
    auto figures = latency_figures(std::move(run.samples_ms), run.seconds, run.failures);
    if (run.failures != 0) {
        figures["first_failure"] = run.first_failure;
    }
    return figures;
}

// What a (c) row cannot show: journeys still running at the deadline, the first failure.
void print_users_notes(const nlohmann::json& figures) {
    if (figures.contains("unfinished_at_deadline")) {
        std::cout << "    unfinished at the deadline (--max-seconds): "
                  << figures["unfinished_at_deadline"] << "\n";
    }
    if (figures.contains("first_failure")) {
        std::cout << "    first failure: " << figures["first_failure"].get<std::string>() << "\n";
    }
}

void print_table(const nlohmann::json& results) {
    std::cout << fmt::format("{:<34} {:>14} {:>10} {:>10}\n", "workload", "rate", "p50 ms",
                             "p99 ms");
    const auto row = [](std::string_view name, const nlohmann::json& figures,
                        std::string_view rate_key, std::string_view unit) {
        const double rate = figures.value(std::string(rate_key), 0.0);
        std::cout << fmt::format("{:<34} {:>10.0f} {:<3} {:>10.3f} {:>10.3f}\n", name, rate, unit,
                                 figures.value("p50_ms", 0.0), figures.value("p99_ms", 0.0));
    };
    if (results.contains("journeys")) {
        row("(a) sequential journeys", results["journeys"], "journeys_per_s", "j/s");
        if (results["journeys"].value("failures", 0) != 0) {
            std::cout << "    failures: " << results["journeys"]["failures"]
                      << " first: " << results["journeys"].value("first_failure", "") << "\n";
        }
    }
    if (results.contains("bare_client")) {
        row("ceiling: bare-bytes ws client", results["bare_client"], "journeys_per_s", "j/s");
        if (results["bare_client"].value("failures", 0) != 0) {
            std::cout << "    failures: " << results["bare_client"]["failures"]
                      << " first: " << results["bare_client"].value("first_failure", "") << "\n";
        }
    }
    if (results.contains("floor")) {
        row("floor: raw loopback TCP", results["floor"], "journeys_per_s", "j/s");
        row("floor, ws-shaped (3 round trips)", results["floor_ws_shaped"], "journeys_per_s",
            "j/s");
    }
    if (results.contains("runs")) {
        row("(b) one connection, many runs", results["runs"], "events_per_s", "e/s");
    }
    if (results.contains("users")) {
        const auto& users = results["users"];
        std::cout << fmt::format(
            "(c) {} users at once: {}/{} passed, wall {:.3f} s, p99 {:.3f} ms, peak RSS {:.1f} "
            "MB\n",
            users["users"].get<std::size_t>(), users["succeeded"].get<std::size_t>(),
            users["users"].get<std::size_t>(), users["wall_s"].get<double>(),
            users["p99_ms"].get<double>(), users["peak_rss_mb"].get<double>());
        std::cout << fmt::format("    thread per user: max threads {}\n",
                                 users["max_threads"].get<std::size_t>());
        print_users_notes(users);
    }
    if (results.contains("users_async")) {
        const auto& users = results["users_async"];
        std::cout << fmt::format(
            "(c) {} users at once, async on one EventLoop ({} I/O thread(s)): {}/{} passed, wall "
            "{:.3f} s, p99 {:.3f} ms, peak RSS {:.1f} MB (heap in use at most {:.1f} MB), max "
            "threads {}\n",
            users["users"].get<std::size_t>(), users["io_threads"].get<std::size_t>(),
            users["succeeded"].get<std::size_t>(), users["users"].get<std::size_t>(),
            users["wall_s"].get<double>(), users["p99_ms"].get<double>(),
            users["peak_rss_mb"].get<double>(), users["peak_heap_in_use_mb"].get<double>(),
            users["max_threads"].get<std::size_t>());
        print_users_notes(users);
    }
    if (results.contains("verifier")) {
        row("(d) verifier, pre-parsed events", results["verifier"]["preparsed"], "events_per_s",
            "e/s");
        row("(d) parse_event + verifier", results["verifier"]["parse_and_verify"], "events_per_s",
            "e/s");
        row("(d) nlohmann parse + verifier", results["verifier"]["nlohmann_parse_and_verify"],
            "events_per_s", "e/s");
        row("(d) verifier, distinct events (cold)", results["verifier"]["preparsed_cold"],
            "events_per_s", "e/s");
    }
}

}  // namespace

int main(int argc, char** argv) {
    Args args;
    try {
        args = parse_args(argc, argv);
    } catch (const goldenpath::cli::UsageError& error) {
        std::cerr << "goldenpath-bench: " << error.message << "\n";
        return 2;
    } catch (const std::exception& error) {
        std::cerr << "goldenpath-bench: " << error.what() << "\n";
        return 2;
    } catch (...) {
        std::cerr << "goldenpath-bench: an exception of unknown type\n";
        return 2;
    }
    try {
        nlohmann::json results = {{"schema_version", 1}};
        std::unique_ptr<goldenpath::AgentServerDouble> server;
        const bool networked = wants(args, "journeys") || wants(args, "runs") ||
                               wants(args, "users") || wants(args, "users_async") ||
                               wants(args, "bare_client");
        std::optional<goldenpath::Url> url;
        if (networked) {
            if (args.url.empty()) {
                server = std::make_unique<goldenpath::AgentServerDouble>();
                url = goldenpath::Url::parse(server->url());
                results["target"] = "in-process AgentServerDouble";
            } else {
                url = goldenpath::Url::parse(args.url);
                results["target"] = args.url;
            }
        }
        if (wants(args, "journeys")) {
            results["journeys"] = bench_journeys(args, *url);
        }
        if (wants(args, "bare_client")) {
            results["bare_client"] = bench_bare_client(args, *url);
        }
        if (wants(args, "runs")) {
            results["runs"] = bench_runs(args, *url);
        }
        if (wants(args, "users")) {
            results["users"] = bench_users(args, *url);
        }
        if (wants(args, "users_async")) {
            results["users_async"] = bench_users_async(args, *url);
        }
        if (wants(args, "floor")) {
            results["floor"] = bench_floor(args, false);
            results["floor_ws_shaped"] = bench_floor(args, true);
        }
        if (wants(args, "verifier")) {
            results["verifier"] = goldenpath::bench::bench_verifier(args.events, args.max_seconds);
        }
        server.reset();
        print_table(results);
        if (!args.json_file.empty()) {
            std::ofstream(args.json_file) << results.dump(2) << "\n";
        }
    } catch (const std::exception& error) {
        std::cerr << "goldenpath-bench: " << error.what() << "\n";
        return 1;
    } catch (...) {
        std::cerr << "goldenpath-bench: an exception of unknown type\n";
        return 1;
    }
    return 0;
}
