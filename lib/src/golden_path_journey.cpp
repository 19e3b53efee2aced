#include "goldenpath/golden_path_journey.hpp"

#include <algorithm>
#include <exception>
#include <limits>
#include <random>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bounded_frames.hpp"
#include "bounded_text.hpp"
#include "client_port.hpp"
#include "event_loop_impl.hpp"
#include "goldenpath/attempt_log.hpp"
#include "goldenpath/secret.hpp"
#include "goldenpath/url.hpp"
#include "journey_redaction.hpp"
#include "journey_spawn.hpp"
#include "printable.hpp"
#include "run_to_completion.hpp"

namespace goldenpath {
namespace {

namespace net = boost::asio;
using net::awaitable;
using net::use_awaitable;

std::string generated_id(std::string_view prefix, std::size_t user) {
    static constexpr std::string_view kHex = "0123456789abcdef";
    // Seeded once per thread: a std::random_device per id is a system call on the journey's path.
    thread_local std::mt19937_64 random{(std::uint64_t{std::random_device{}()} << 32U) |
                                        std::random_device{}()};
    std::string id = fmt::format("{}-{}-", prefix, user);
    for (int i = 0; i < 8; ++i) {
        id.push_back(kHex[random() % kHex.size()]);
    }
    return id;
}

// Waits before a retry on a timer (no thread sleeps), bounded by the policy's overall deadline.
awaitable<void> wait_backoff(const RetryPolicy& policy, int retry,
                             Clock::time_point overall_deadline) {
    auto backoff = policy.backoff_before(retry);
    if (policy.jitter > 0 && backoff.count() > 0) {
        std::random_device device;
        std::uniform_real_distribution<double> spread(1.0 - policy.jitter, 1.0 + policy.jitter);
        backoff = Milliseconds(
            static_cast<Milliseconds::rep>(static_cast<double>(backoff.count()) * spread(device)));
    }
    net::steady_timer timer(co_await net::this_coro::executor);
    timer.expires_at(std::min(Clock::now() + backoff, overall_deadline));
    co_await timer.async_wait(use_awaitable);
}

std::string message_of(const ProtocolProfile& profile, const nlohmann::json& body) {
    for (const auto& field : profile.error_message_fields) {
        if (const auto* value = profile.find_field(body, field)) {
            return value->is_string()
                       ? detail::bounded(value->get_ref<const std::string&>(),
                                         detail::kMaxServerMessageBytes)
                       : detail::bounded(
                             value->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                             detail::kMaxServerMessageBytes);
        }
    }
    return {};
}

bool is_auth_failure_event(const ProtocolProfile& profile, const nlohmann::json& body) {
    const auto* code = profile.find_field(body, "error_code");
    return code != nullptr && code->is_string() && code->get<std::string>() == "AUTH_FAILED";
}

Failure failure_from_violation(const Violation& violation, const std::string& terminal_message) {
    Failure failure;
    if (violation.rule == Rule::agent_error) {
        failure.kind = FailureKind::agent_error;
        failure.error_type = violation.actual;
        failure.after_event = violation.event_index;
        failure.message = terminal_message;
        failure.detail = violation.message;
    } else {
        failure.kind = FailureKind::protocol_violation;
        failure.rule = std::string(rule_name(violation.rule));
        failure.event_index = violation.event_index;
        failure.detail = violation.message;
    }
    failure.phase = Phase::completion;
    return failure;
}

}  // namespace

ConnectRequest connect_request_for(const EndpointConfig& config, const ProtocolProfile& profile,
                                   std::size_t user, const Url& url) {
    ConnectRequest request;
    request.url = url;
    request.headers = config.extra_headers;
    request.timeouts = config.timeouts;
    request.ca_file = config.ca_file;
    request.insecure_skip_verify = config.insecure_skip_verify;
    request.client_certificate_file = config.client_certificate_file;
    request.client_key_file = config.client_key_file;
    request.max_message_bytes = config.max_message_bytes;
    request.keepalive = config.keepalive;
    request.permessage_deflate = config.permessage_deflate;
    request.proxy = config.proxy_for(url);
    if (const Secret* token = config.token_for(user)) {
        const std::string value(token->reveal());
        request.secrets.push_back(value);
        for (const AuthMethod method : profile.auth_methods) {
            switch (method) {
                case AuthMethod::header:
                    request.headers.emplace_back("Authorization", "Bearer " + value);
                    break;
                case AuthMethod::subprotocol:
                    request.subprotocols.push_back(profile.subprotocol_for(value));
                    break;
                case AuthMethod::query:
                    request.url.query += (request.url.query.empty() ? "" : "&") +
                                         profile.query_token_param + "=" + percent_encode(value);
                    break;
            }
        }
    }
    return request;
}

namespace {
// Fills in what the caller may leave empty: ids and the resolver.
JourneyOptions completed(JourneyOptions options) {
    if (options.thread_id.empty()) {
        options.thread_id = generated_id("thread", options.user);
    }
    if (options.run_id.empty()) {
        options.run_id = generated_id("run", options.user);
    }
    if (!options.resolver) {
        options.resolver = system_resolver();
    }
    return options;
}
}  // namespace

GoldenPathJourney::GoldenPathJourney(JourneyOptions options)
    : options_(completed(std::move(options))) {}

namespace {

// The receive loop of one connected journey, as a small state machine.
class JourneyLoop {
  public:
    // Frames before the ready event are kept until the run starts; a server that sends more
    // fails the journey (they would all be held in memory).
    static constexpr std::size_t kMaxEarlyFrames = 1'000;

    JourneyLoop(detail::ClientPort& client, const ProtocolProfile& profile,
                const Timeouts& timeouts, std::size_t max_events_per_run, JourneyResult& result)
        : client_(client),
          profile_(profile),
          timeouts_(timeouts),
          result_(result),
          limits_(limits_for(max_events_per_run)),
          verifier_(profile, limits_) {}

    awaitable<void> run(std::string start_message) {
        const auto connected = Clock::now();
        if (profile_.wait_for_ready && !co_await wait_for_ready(connected)) {
            co_await finish_with_close();
            co_return;
        }
        if (auto failure = co_await client_.send_text(std::move(start_message))) {
            fail(std::move(*failure));
            co_await finish_with_close();
            co_return;
        }
        origin_ = Clock::now();
        run_ = verifier_.start_run(result_.thread_id, result_.run_id, origin_);
        for (auto& event : early_events_) {
            feed(event);
        }
        early_events_.clear();
        co_await collect();
        co_await finish_with_close();
    }

    // The frames kept for the result; call once, after run().
    void take_frames() {
        auto kept = std::move(frames_).take();
        result_.frames = std::move(kept.frames);
        result_.frames_omitted = kept.omitted;
        result_.frames_omitted_at = kept.omitted_at;
    }

    // One run per journey: the connection-wide verdict is that run's, and its timeline also
    // shows the frames no run owns (connection_established, heartbeats, unknown types).
    Verdict verdict() const { return verifier_.verdict(); }

  private:
    awaitable<bool> wait_for_ready(Clock::time_point connected) {
        const auto deadline = connected + timeouts_.ready;
        while (true) {
            auto received = co_await client_.receive(deadline);
            if (received.status == ReceiveResult::Status::timeout) {
                Failure failure = make(FailureKind::timeout, Phase::ready);
                failure.waited_ms = elapsed_ms(connected, Clock::now());
                failure.detail =
                    fmt::format("no {} within {} ms", profile_.ready_type, timeouts_.ready.count());
                fail(std::move(failure));
                co_return false;
            }
            if (received.status != ReceiveResult::Status::frame) {
                on_transport_end(received, Phase::ready);
                co_return false;
            }
            auto event = parse(std::move(received.frame));
            if (!event) {
                co_return false;
            }
            if (event->type == profile_.ready_type) {
                result_.timings.ready_ms = elapsed_ms(connected, event->arrival);
                early_events_.push_back(std::move(*event));
                co_return true;
            }
            if (profile_.is_terminal_failure(event->type) &&
                is_auth_failure_event(profile_, event->body)) {
                Failure failure = make(FailureKind::auth_rejected, Phase::ready);
                failure.message = message_of(profile_, event->body);
                failure.detail = fmt::format("{} before the run",
                                             detail::bounded(event->type, detail::kMaxFieldBytes));
                fail(std::move(failure));
                co_return false;
            }
            if (early_events_.size() == kMaxEarlyFrames) {
                Failure failure = make(FailureKind::protocol_violation, Phase::ready);
                failure.rule = std::string(rule_name(Rule::too_many_events));
                failure.detail = fmt::format(
                    "too_many_events: more than {} frames arrived before {}, but at most {} were "
                    "expected",
                    kMaxEarlyFrames, profile_.ready_type, kMaxEarlyFrames);
                fail(std::move(failure));
                co_return false;
            }
            early_events_.push_back(std::move(*event));
        }
    }

    static VerifierLimits limits_for(std::size_t max_events_per_run) {
        VerifierLimits limits;
        limits.max_events_per_run =
            max_events_per_run == 0 ? std::numeric_limits<std::size_t>::max() : max_events_per_run;
        return limits;
    }

    awaitable<void> collect() {
        const auto completion_deadline = origin_ + timeouts_.completion;
        const auto first_event_deadline = origin_ + timeouts_.first_event;
        while (!verifier_.finished(run_)) {
            const bool progressed = verifier_.has_run_event(run_);
            const auto phase_deadline =
                progressed ? last_progress_ + timeouts_.max_gap : first_event_deadline;
            const auto deadline = std::min(completion_deadline, phase_deadline);
            auto received = co_await client_.receive(deadline);
            if (received.status == ReceiveResult::Status::frame) {
                auto event = parse(std::move(received.frame));
                if (!event) {
                    verifier_.end_of_stream("malformed frame");
                    co_return;
                }
                feed(*event);
                continue;
            }
            if (received.status == ReceiveResult::Status::timeout) {
                on_deadline(deadline, completion_deadline, progressed);
                co_return;
            }
            on_transport_end(received, Phase::completion);
            co_return;
        }
    }

    // A timeout means `deadline` has passed; waits are measured to it, not to when this runs, so
    // they are exact also for clients with virtual time (InMemoryConnection).
    void on_deadline(Clock::time_point deadline, Clock::time_point completion_deadline,
                     bool progressed) {
        const auto now = std::max(Clock::now(), deadline);
        Failure failure;
        if (now >= completion_deadline) {
            failure = make(FailureKind::timeout, Phase::completion);
            failure.waited_ms = elapsed_ms(origin_, now);
            failure.after_event = event_count();
            failure.detail = fmt::format("agent_completed not received within {} ms",
                                         timeouts_.completion.count());
        } else if (!progressed) {
            failure = make(FailureKind::timeout, Phase::first_event);
            failure.waited_ms = elapsed_ms(origin_, now);
            failure.detail = fmt::format("no run event within {} ms of the start message",
                                         timeouts_.first_event.count());
        } else {
            failure = make(FailureKind::stalled, Phase::completion);
            failure.after_event = event_count();
            failure.waited_ms = elapsed_ms(last_progress_, now);
        }
        verifier_.end_of_stream(failure.kind_label());
        fail(std::move(failure));
    }

    void on_transport_end(const ReceiveResult& received, Phase phase) {
        if (received.status == ReceiveResult::Status::error) {
            Failure failure = received.failure;
            if ((failure.kind == FailureKind::stalled || failure.kind == FailureKind::closed) &&
                !failure.after_event) {
                failure.after_event = event_count();  // the transport cannot know
            }
            // A close frame with an invalid code: the server closed, nothing is left to close.
            closed_ = closed_ || failure.kind == FailureKind::closed;
            verifier_.end_of_stream(failure.kind_label());
            fail(std::move(failure));
            return;
        }
        const auto& close = received.close;
        Failure failure =
            make(close.code == 1008 ? FailureKind::auth_rejected : FailureKind::closed, phase);
        failure.close_code = close.code;
        failure.close_reason = close.reason;
        failure.after_event = event_count();
        closed_ = true;
        verifier_.end_of_stream(fmt::format("connection closed ({})", close.code));
        fail(std::move(failure));
    }

    // Takes the frame by value: its text is freed as soon as it is parsed, so a large frame is
    // not held twice (text and JSON) for longer than the parse.
    std::optional<Event> parse(
        ReceivedFrame frame) {  // NOLINT(performance-unnecessary-value-param)
        const std::size_t index = frames_received_++;
        frames_.push(frame.text);
        if (frame.binary) {
            Failure failure = make(FailureKind::malformed_frame, phase());
            failure.frame_index = index;
            failure.excerpt = frame.text.substr(0, 120);
            failure.detail = "binary frame where a JSON text frame was expected";
            fail(std::move(failure));
            return std::nullopt;
        }
        auto parsed = parse_event(frame.text, profile_, frame.arrival, index);
        if (auto* error = std::get_if<EventParseError>(&parsed)) {
            Failure failure = make(FailureKind::malformed_frame, phase());
            failure.frame_index = index;
            failure.excerpt = error->excerpt;
            failure.detail = error->reason;
            fail(std::move(failure));
            return std::nullopt;
        }
        return std::get<Event>(std::move(parsed));
    }

    void feed(const Event& event) {
        const auto role = verifier_.feed(event);
        if (role == EventRole::run_event || role == EventRole::terminal_failure) {
            if (!result_.timings.first_event_ms && origin_ != Clock::time_point{}) {
                result_.timings.first_event_ms = elapsed_ms(origin_, event.arrival);
            }
            last_progress_ = event.arrival;
            if (event.type == profile_.agent_completed && !result_.timings.completion_ms) {
                result_.timings.completion_ms = elapsed_ms(origin_, event.arrival);
            }
            if (role == EventRole::terminal_failure && !terminal_message_) {
                terminal_message_ = message_of(profile_, event.body);
            }
        }
    }

    // Closes gracefully; frames that arrive before the server's close frame are still judged
    // (event_after_completion), and linger keeps reading a while first when configured.
    awaitable<void> finish_with_close() {
        if (closed_) {
            co_return;
        }
        if (!result_.failure && timeouts_.linger.count() > 0) {
            const auto until = Clock::now() + timeouts_.linger;
            while (true) {
                auto received = co_await client_.receive(until);
                if (received.status != ReceiveResult::Status::frame) {
                    break;
                }
                if (auto event = parse(std::move(received.frame))) {
                    feed(*event);
                }
            }
        }
        auto late =
            co_await client_.close(1000, "goldenpath journey done", Clock::now() + timeouts_.close);
        closed_ = true;
        if (result_.failure || verifier_.event_count(run_) > limits_.max_events_per_run) {
            co_return;  // nothing late can change the verdict
        }
        for (auto& frame : late) {
            if (auto event = parse(std::move(frame))) {
                feed(*event);
            }
        }
    }

    Failure make(FailureKind kind, Phase phase) const {
        Failure failure;
        failure.kind = kind;
        failure.phase = phase;
        failure.url = result_.url;
        return failure;
    }

    Phase phase() const {
        return origin_ == Clock::time_point{} ? Phase::ready : Phase::completion;
    }

    std::size_t event_count() const {
        return origin_ == Clock::time_point{} ? 0 : verifier_.event_count(run_);
    }

    void fail(Failure failure) {
        if (!result_.failure) {
            result_.failure = std::move(failure);
        }
    }

  public:
    std::string terminal_message() const { return terminal_message_.value_or(std::string()); }

  private:
    detail::ClientPort& client_;
    const ProtocolProfile& profile_;
    const Timeouts& timeouts_;
    JourneyResult& result_;
    VerifierLimits limits_;
    EventSequenceVerifier verifier_;
    EventSequenceVerifier::RunId run_ = 0;
    Clock::time_point origin_{};
    Clock::time_point last_progress_{};
    std::vector<Event> early_events_;
    std::optional<std::string> terminal_message_;
    detail::BoundedFrames frames_;
    std::size_t frames_received_ = 0;
    bool closed_ = false;
};

}  // namespace

namespace {

// After the connect: ready, start message, events, close, verdict.
awaitable<JourneyResult> run_connected(const JourneyOptions& options, detail::ClientPort& client,
                                       JourneyResult result) {
    const auto& profile = options.profile;
    result.tls_verification_skipped = client.tls_verification_skipped();
    JourneyLoop loop(client, profile, options.config.timeouts, options.config.max_events_per_run,
                     result);
    co_await loop.run(profile.start_message(options.message, result.thread_id, result.run_id));
    loop.take_frames();
    result.verdict = loop.verdict();

    // A rule broken before the stream ended is the root cause; the transport's end is evidence.
    const auto& violation = result.verdict.violation;
    const bool rule_first = violation && violation->rule != Rule::ended_before_completion &&
                            (!result.failure || result.failure->kind == FailureKind::closed ||
                             result.failure->kind == FailureKind::stalled ||
                             result.failure->kind == FailureKind::timeout);
    if (rule_first) {
        Failure failure = failure_from_violation(*violation, loop.terminal_message());
        failure.url = result.url;
        if (result.failure) {
            failure.detail += fmt::format(" (then {})", result.failure->kind_label());
        }
        result.failure = std::move(failure);
    } else if (!result.failure && !result.verdict.passed()) {
        Failure failure;
        failure.kind = FailureKind::protocol_violation;
        failure.phase = Phase::completion;
        failure.url = result.url;
        failure.rule = std::string(rule_name(Rule::ended_before_completion));
        failure.detail = result.verdict.to_string();
        result.failure = std::move(failure);
    }
    co_return result;
}

JourneyResult new_result(const JourneyOptions& options) {
    JourneyResult result;
    result.thread_id = options.thread_id;
    result.run_id = options.run_id;
    return result;
}

// How a client_factory's (blocking) clients are driven: straight from the coroutine when the
// journey has its thread to itself (run()), on a thread of their own when it shares a loop.
enum class BlockingClients { call_directly, offload };

// The whole journey: attempts over the candidate URLs, each on a new client, then the run.
awaitable<JourneyResult> run_journey(JourneyOptions options, BlockingClients blocking_clients) {
    JourneyResult result = new_result(options);
    const auto executor = co_await net::this_coro::executor;
    const auto& retry = options.config.retry;
    const auto overall_deadline = Clock::now() + retry.overall_deadline;
    AttemptLog attempts;
    std::optional<Failure> last_failure;

    for (const Url& url : options.config.candidate_urls()) {
        for (int attempt = 1; attempt <= std::max(1, retry.max_attempts); ++attempt) {
            if (attempt > 1) {
                if (Clock::now() >= overall_deadline) {
                    break;
                }
                co_await wait_backoff(retry, attempt - 1, overall_deadline);
            }
            auto client = !options.client_factory ? detail::beast_port(executor, options.resolver)
                          : blocking_clients == BlockingClients::offload
                              ? detail::offloading_port(options.client_factory())
                              : detail::blocking_port(options.client_factory());
            result.url = url.to_string();
            const auto started = Clock::now();
            auto failure = co_await client->connect(
                connect_request_for(options.config, options.profile, options.user, url));
            if (!failure) {
                result.timings.connect_ms = elapsed_ms(started, Clock::now());
                co_return co_await run_connected(options, *client, std::move(result));
            }
            attempts.record(*failure, started);
            const bool retryable = failure->retryable;
            last_failure = std::move(failure);
            if (!retryable) {
                break;  // not on the same URL; the next fallback URL is still tried
            }
        }
        if (Clock::now() >= overall_deadline) {
            break;
        }
    }
    if (last_failure) {
        attempts.finish(*last_failure);
        result.failure = std::move(last_failure);
    } else {
        Failure failure;
        failure.kind = FailureKind::refused;
        failure.detail = "no URL to connect to";
        result.failure = std::move(failure);
    }
    co_return result;
}

// A journey on a client the caller made and connects here.
awaitable<JourneyResult> run_journey_on(const JourneyOptions& options,
                                        std::unique_ptr<detail::ClientPort> client) {
    JourneyResult result = new_result(options);
    result.url = options.config.url.to_string();
    const auto started = Clock::now();
    if (auto failure = co_await client->connect(connect_request_for(
            options.config, options.profile, options.user, options.config.url))) {
        result.failure = std::move(failure);
        co_return result;
    }
    result.timings.connect_ms = elapsed_ms(started, Clock::now());
    co_return co_await run_connected(options, *client, std::move(result));
}

// Every string of the result passes the redactor here, once, whatever path the journey took.
awaitable<JourneyResult> redacted(awaitable<JourneyResult> journey, Redactor redactor) {
    JourneyResult result = co_await std::move(journey);
    detail::redact_result(result, redactor);
    co_return result;
}

// Blocks until `journey` and everything it left behind (background closes) finished.
JourneyResult run_blocking(awaitable<JourneyResult> journey) {
    net::io_context context{1};
    auto result = detail::run_to_completion(context, std::move(journey));
    context.run();  // the background closes of the journey's connections
    return result;
}

}  // namespace

JourneyResult GoldenPathJourney::run() {
    return run_blocking(redacted(run_journey(options_, BlockingClients::call_directly),
                                 detail::journey_redactor(options_.config, options_.profile)));
}

JourneyResult GoldenPathJourney::run(WebSocketClient& client) {
    return run_blocking(redacted(run_journey_on(options_, detail::blocking_port(client)),
                                 detail::journey_redactor(options_.config, options_.profile)));
}

void detail::spawn_journey(EventLoop& loop, JourneyOptions options, JourneyCompletion done) {
    auto redactor = detail::journey_redactor(options.config, options.profile);
    net::co_spawn(net::make_strand(loop.impl().context()),
                  redacted(run_journey(completed(std::move(options)), BlockingClients::offload),
                           std::move(redactor)),
                  std::move(done));
}

void GoldenPathJourney::async_run(EventLoop& loop, Handler done,
                                  CompletionExecutor completions) const {
    if (!done) {
        throw std::invalid_argument("GoldenPathJourney::async_run needs a completion handler");
    }
    detail::spawn_journey(loop, options_,
                          [done = std::move(done), completions = std::move(completions)](
                              const std::exception_ptr& thrown, JourneyResult result) {
                              if (thrown) {
                                  std::rethrow_exception(thrown);
                              }
                              if (completions) {
                                  completions([done, result = std::move(result)]() mutable {
                                      done(std::move(result));
                                  });
                              } else {
                                  done(std::move(result));
                              }
                          });
}

}  // namespace goldenpath
