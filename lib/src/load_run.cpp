#include "goldenpath/load_run.hpp"

#include <sys/resource.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <utility>

#include <fmt/format.h>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "event_loop_impl.hpp"
#include "goldenpath/config_error.hpp"
#include "goldenpath/event_loop.hpp"
#include "goldenpath/event_sequence_verifier.hpp"
#include "journey_spawn.hpp"
#include "memory_headroom.hpp"
#include "timer_floor.hpp"

namespace goldenpath {
namespace {

namespace net = boost::asio;

constexpr const char* kLoadErrorId = "goldenpath.load";
constexpr Milliseconds kMaxRampUp{86'400'000};

// The verifier's foreign_event message when the journey received another run's events.
std::optional<std::string> foreign_event_message(const JourneyResult& result) {
    if (result.verdict.violation && result.verdict.violation->rule == Rule::foreign_event) {
        return result.verdict.violation->message;
    }
    if (result.failure && result.failure->kind == FailureKind::protocol_violation &&
        result.failure->rule == rule_name(Rule::foreign_event)) {
        return result.failure->detail;
    }
    return std::nullopt;
}

IsolationReport isolation_of(const std::vector<LoadJourney>& journeys) {
    IsolationReport report;
    for (const auto& journey : journeys) {
        if (auto message = foreign_event_message(journey.result)) {
            ++report.count;
            if (report.first.size() < IsolationReport::kDescribed) {
                report.first.push_back(
                    IsolationViolation{journey.user, journey.run, journey.result.thread_id,
                                       journey.result.run_id, std::move(*message)});
            }
        }
    }
    return report;
}

}  // namespace

void ensure_descriptor_limit(std::size_t wanted, std::size_t required, const std::string& field) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return;  // unknown limit: the connections will report their own errors
    }
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < required) {
        throw ConfigError(
            kLoadErrorId, field,
            fmt::format("needs {} file descriptors, above the RLIMIT_NOFILE hard limit of {} "
                        "(raise it with ulimit -Hn or use fewer users)",
                        required, limit.rlim_max),
            std::to_string(required - kReservedDescriptors));
    }
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted &&
        limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
            throw ConfigError(kLoadErrorId, field,
                              fmt::format("needs {} file descriptors, but the RLIMIT_NOFILE soft "
                                          "limit could not be raised to {}",
                                          wanted, limit.rlim_max),
                              std::to_string(required - kReservedDescriptors));
        }
    }
}

void ensure_memory_for_users(std::size_t users, const std::string& field) {
    const auto headroom = detail::memory_headroom();
    if (!headroom) {
        return;
    }
    if (auto shortfall = detail::memory_shortfall(users, *headroom); !shortfall.empty()) {
        throw ConfigError(kLoadErrorId, field, std::move(shortfall), std::to_string(users));
    }
}

std::string IsolationViolation::to_string() const {
    return fmt::format("user {} run {} (thread {}, run {}): {}", user, run, thread_id, run_id,
                       message);
}

std::string IsolationReport::to_string() const {
    if (count == 0) {
        return "isolation: no violations";
    }
    std::string text = fmt::format("isolation: {} violation{}", count, count == 1 ? "" : "s");
    for (const auto& violation : first) {
        text += "; " + violation.to_string();
    }
    if (count > first.size()) {
        text += fmt::format("; ... ({} more)", count - first.size());
    }
    return text;
}

bool LoadReport::passed() const {
    return summary.journeys > 0 && summary.passed == summary.journeys && isolation.count == 0 &&
           std::all_of(slas.begin(), slas.end(), [](const SlaResult& sla) { return sla.held; });
}

std::vector<JourneySample> LoadReport::samples() const {
    std::vector<JourneySample> samples;
    samples.reserve(journeys.size());
    for (const auto& journey : journeys) {
        samples.push_back(JourneySample::of(journey.result));
    }
    return samples;
}

std::string LoadReport::to_string() const {
    std::string text = summary.to_string();
    if (accounts_shared()) {
        text += fmt::format(
            "accounts: {} users share {} token{} (user i uses token i mod {}): users are not "
            "isolated by account\n",
            users, tokens, tokens == 1 ? "" : "s", tokens);
    }
    if (isolation.count > 0) {
        text += isolation.to_string() + "\n";
    }
    for (const auto& sla : slas) {
        text += sla.to_string(summary) + "\n";
    }
    return text;
}

nlohmann::json LoadReport::to_json() const {
    auto violations = nlohmann::json::array();
    for (const auto& violation : isolation.first) {
        violations.push_back({{"user", violation.user},
                              {"run", violation.run},
                              {"thread_id", violation.thread_id},
                              {"run_id", violation.run_id},
                              {"message", violation.message}});
    }
    auto sla_json = nlohmann::json::array();
    for (const auto& sla : slas) {
        sla_json.push_back({{"expression", sla.expression.text},
                            {"held", sla.held},
                            {"actual", sla.actual ? nlohmann::json(*sla.actual) : nullptr},
                            {"message", sla.to_string(summary)}});
    }
    auto sample_json = nlohmann::json::array();
    auto journey_json = nlohmann::json::array();
    for (const auto& journey : journeys) {
        sample_json.push_back(JourneySample::of(journey.result).to_json());
        auto one = journey.result.to_json();
        one["user"] = journey.user;
        one["run"] = journey.run;
        journey_json.push_back(std::move(one));
    }
    return {{"schema_version", kLoadReportSchemaVersion},
            {"passed", passed()},
            {"summary", summary.to_json()},
            {"accounts", {{"users", users}, {"tokens", tokens}, {"shared", accounts_shared()}}},
            {"isolation", {{"count", isolation.count}, {"first", std::move(violations)}}},
            {"slas", std::move(sla_json)},
            {"wall_ms", wall_ms},
            {"throughput", throughput.to_json()},
            {"samples", std::move(sample_json)},
            {"journeys", std::move(journey_json)}};
}

LoadRun::LoadRun(LoadRunOptions options) : options_(std::move(options)) {
    const std::size_t users = options_.users;
    if (users < 1 || users > kMaxLoadUsers) {
        throw ConfigError(kLoadErrorId, "/users", std::string(kUsersRequirement),
                          std::to_string(users));
    }
    options_.config.validate();
    if (options_.runs_per_user < 1) {
        throw ConfigError(kLoadErrorId, "/runs_per_user", "must be at least 1",
                          std::to_string(options_.runs_per_user));
    }
    if (options_.ramp_up.count() < 0 || options_.ramp_up > kMaxRampUp) {
        throw ConfigError(kLoadErrorId, "/ramp_up_ms", "must be 0-86400000",
                          std::to_string(options_.ramp_up.count()));
    }
    if (options_.io_threads < 1 || options_.io_threads > EventLoop::kMaxThreads) {
        throw ConfigError(kLoadErrorId, "/io_threads",
                          fmt::format("must be 1-{}", EventLoop::kMaxThreads),
                          std::to_string(options_.io_threads));
    }
    if (options_.duration && options_.duration->count() <= 0) {
        throw ConfigError(kLoadErrorId, "/duration_ms", "must be at least 1",
                          std::to_string(options_.duration->count()));
    }
    if (!options_.resolver) {
        options_.resolver = system_resolver();
    }
    // One socket per user, and its server end too when the server runs in this process.
    ensure_descriptor_limit(2 * users + kReservedDescriptors, users + kReservedDescriptors,
                            "/users");
    ensure_memory_for_users(users, "/users");
}

namespace {

// What every journey of the load reads: the endpoint, the profile and the message.
JourneyOptions journey_options(const LoadRunOptions& options) {
    JourneyOptions journey;
    journey.config = options.config;
    journey.profile = options.profile;
    journey.message = options.message;
    journey.resolver = options.resolver;
    return journey;
}

// One user's journeys, one after another, each started when the previous one finished: a chain
// of callbacks on the loop, so no user holds a thread.
class LoadUser : public std::enable_shared_from_this<LoadUser> {
  public:
    struct Shared {
        const LoadRunOptions& options;
        // Every user's journeys read it; null with a client_factory, whose clients are per user.
        std::shared_ptr<const detail::JourneyPlan> plan;
        EventLoop& loop;
        Clock::time_point stop_starting;
        Clock::time_point started;
        std::mutex mutex;
        std::condition_variable all_done;
        std::size_t users_running = 0;
        LoadProgress progress;
        std::exception_ptr first_error;
    };

    LoadUser(Shared& shared, std::size_t user, std::vector<LoadJourney>& journeys)
        : shared_(shared),
          user_(user),
          plan_(shared.plan ? shared.plan : detail::make_journey_plan(own_options())),
          journeys_(journeys) {}

    void start_at(Clock::time_point when) {
        if (when >= shared_.stop_starting) {
            finished();  // its start falls after the duration: nothing to wait for
            return;
        }
        auto& context = detail::EventLoopAccess::context(shared_.loop);
        if (when <= Clock::now()) {
            net::post(context, [self = shared_from_this()] { self->next(); });
            return;
        }
        // Only a user who starts later has a timer: 10 000 users started at once held one each,
        // and a strand for it, for as long as the run lasted.
        timer_.emplace(net::make_strand(context));
        timer_->expires_at(when);
        timer_->async_wait(
            [self = shared_from_this()](const boost::system::error_code&) { self->next(); });
    }

  private:
    void next() {
        const auto& options = shared_.options;
        if (run_ >= options.runs_per_user || Clock::now() >= shared_.stop_starting) {
            finished();
            return;
        }
        detail::spawn_journey(
            shared_.loop, plan_, detail::JourneyIdentity{user_, {}, {}},
            [self = shared_from_this()](std::exception_ptr thrown, JourneyResult result) {
                if (!thrown) {
                    try {
                        self->record(std::move(result));  // on_progress may throw
                        self->next();
                        return;
                    } catch (...) {
                        thrown = std::current_exception();
                    }
                }
                self->failed(thrown);
            });
    }

    // This user's journey options: the load's, with a client factory that makes this user's
    // clients.
    JourneyOptions own_options() const {
        JourneyOptions journey = journey_options(shared_.options);
        journey.client_factory = [&factory = shared_.options.client_factory, user = user_] {
            return factory(user);
        };
        return journey;
    }

    // The user stops at its first exception; run() rethrows the first of all users.
    void failed(std::exception_ptr thrown) {
        {
            std::lock_guard lock(shared_.mutex);
            if (!shared_.first_error) {
                shared_.first_error = std::move(thrown);
            }
        }
        finished();
    }

    void record(JourneyResult result) {
        const bool passed = result.passed();
        journeys_.push_back(LoadJourney{user_, run_++, std::move(result),
                                        elapsed_ms(shared_.started, Clock::now())});
        std::lock_guard lock(shared_.mutex);
        ++shared_.progress.completed;
        ++(passed ? shared_.progress.passed : shared_.progress.failed);
        if (shared_.options.on_progress) {
            shared_.options.on_progress(shared_.progress);
        }
    }

    void finished() {
        std::lock_guard lock(shared_.mutex);
        if (--shared_.users_running == 0) {
            shared_.all_done.notify_all();
        }
    }

    Shared& shared_;
    std::size_t user_;
    std::shared_ptr<const detail::JourneyPlan> plan_;  // shared_'s, or this user's own
    std::vector<LoadJourney>& journeys_;
    std::size_t run_ = 0;
    std::optional<net::steady_timer> timer_;
};

// The connections' heap, freed when the loop ended, stays in the process's resident memory: glibc
// keeps it in the arena of the loop's thread, where the report, gathered on this thread, cannot
// reuse it. 10 000 users left 140 MB behind, and the report's 9 MB then came on top of it as fresh
// pages (peak RSS 165 MB where the connections alone took 156). malloc_trim gives the free pages
// of every arena back to the system (a few milliseconds for that much heap).
void return_freed_heap() {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

}  // namespace

LoadReport LoadRun::run() {
    const std::size_t users = options_.users;
    const auto started = Clock::now();
    const auto ramp_up = std::chrono::duration_cast<Clock::duration>(options_.ramp_up);
    std::vector<std::vector<LoadJourney>> per_user(users);
    {
        EventLoop loop(options_.io_threads);
        detail::TimerFloor floor(detail::EventLoopAccess::context(loop));
        LoadUser::Shared shared{
            options_,
            options_.client_factory ? nullptr
                                    : detail::make_journey_plan(journey_options(options_)),
            loop,
            options_.duration ? started + *options_.duration : Clock::time_point::max(),
            started,
            {},
            {},
            users,
            LoadProgress{0, 0, 0, users * options_.runs_per_user},
            {}};
        for (std::size_t user = 0; user < users; ++user) {
            const auto start_at =
                started + ramp_up * static_cast<long long>(user) / static_cast<long long>(users);
            std::make_shared<LoadUser>(shared, user, per_user[user])->start_at(start_at);
        }
        // Every journey ends within its own deadlines, so this wait is bounded by them.
        std::unique_lock lock(shared.mutex);
        shared.all_done.wait(lock, [&] { return shared.users_running == 0; });
        if (shared.first_error) {
            std::rethrow_exception(shared.first_error);
        }
    }

    return_freed_heap();
    LoadReport report;
    for (auto& journeys : per_user) {
        for (auto& journey : journeys) {
            report.throughput.record(journey.finished_ms, !journey.result.passed());
            report.journeys.push_back(std::move(journey));
        }
    }
    report.wall_ms = elapsed_ms(started, Clock::now());
    report.users = users;
    report.tokens = options_.config.tokens.size();
    report.summary = LoadSummary::of(report.samples());
    report.isolation = isolation_of(report.journeys);
    report.slas = evaluate_slas(options_.sla, report.summary);
    return report;
}

}  // namespace goldenpath
