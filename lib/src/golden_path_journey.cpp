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

#include "bearer_header.hpp"
#include "bounded_frames.hpp"
#include "bounded_text.hpp"
#include "boxed_failure.hpp"
#include "client_port.hpp"
#include "event_loop_impl.hpp"
#include "goldenpath/attempt_log.hpp"
#include "goldenpath/secret.hpp"
#include "goldenpath/url.hpp"
#include "journey_draft.hpp"
#include "journey_loop.hpp"
#include "journey_redaction.hpp"
#include "journey_spawn.hpp"
#include "network_port.hpp"
#include "printable.hpp"
#include "run_to_completion.hpp"
#include "thread_io_context.hpp"
#include "timer_floor.hpp"

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

}  // namespace

ConnectRequest connect_request_for(const EndpointConfig& config, const ProtocolProfile& profile,
                                   std::size_t user, const Url& url) {
    ConnectRequest request;
    request.url = url;
    request.headers = config.extra_headers;
    request.timeouts = config.timeouts;
    static_cast<TlsOptions&>(request) = config;
    static_cast<TransportOptions&>(request) = config;
    request.proxy = config.proxy_for(url);
    if (const Secret* token = config.token_for(user)) {
        const std::string value(token->reveal());
        request.secrets.push_back(value);
        for (const AuthMethod method : profile.auth_methods) {
            switch (method) {
                case AuthMethod::header:
                    request.headers.push_back(detail::bearer_authorization(value));
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

detail::JourneyIdentity identity_of(const JourneyOptions& options) {
    return {options.user, options.thread_id, options.run_id};
}

// How a client_factory's (blocking) clients are driven: straight from the coroutine when the
// journey has its thread to itself (run()), on a thread of their own when it shares a loop.
enum class BlockingClients { call_directly, offload };

// One attempt's connect. The request lives in this frame only while the connection opens, not
// in the journey's for the whole run.
awaitable<detail::BoxedFailure> connect_attempt(detail::ClientPort& client,
                                                const JourneyOptions& options, std::size_t user,
                                                const Url& url) {
    co_return co_await client.connect(
        connect_request_for(options.config, options.profile, user, url));
}

// A journey's result lives on the heap, once: a JourneyResult (872 bytes) returned by value would
// have a copy in the journey's frame, its promise and co_spawn's frame for every connection.
using ResultPtr = std::unique_ptr<JourneyResult>;

// The whole journey: attempts over the candidate URLs, each on a new client, then the run.
// Everything a journey keeps for its whole life is in this frame; it reads the shared plan. The
// JourneyResult is made when the journey ends (JourneyDraft).
awaitable<ResultPtr> run_journey(std::shared_ptr<const detail::JourneyPlan> plan,
                                 detail::JourneyIdentity identity,
                                 BlockingClients blocking_clients) {
    const JourneyOptions& options = plan->options;
    detail::JourneyDraft draft;
    draft.thread_id = identity.thread_id.empty() ? generated_id("thread", identity.user)
                                                 : std::move(identity.thread_id);
    draft.run_id =
        identity.run_id.empty() ? generated_id("run", identity.user) : std::move(identity.run_id);
    const auto executor = co_await net::this_coro::executor;
    const auto& retry = options.config.retry;
    const auto overall_deadline = Clock::now() + retry.overall_deadline;
    AttemptLog attempts;
    detail::BoxedFailure failure;

    for (const Url& url : plan->candidate_urls) {
        for (int attempt = 1; attempt <= std::max(1, retry.max_attempts); ++attempt) {
            if (attempt > 1) {
                if (Clock::now() >= overall_deadline) {
                    break;
                }
                co_await wait_backoff(retry, attempt - 1, overall_deadline);
            }
            auto client = !options.client_factory ? detail::network_port(executor, options.resolver)
                          : blocking_clients == BlockingClients::offload
                              ? detail::offloading_port(options.client_factory())
                              : detail::blocking_port(options.client_factory());
            draft.url = url.to_string();
            const auto started = Clock::now();
            failure = co_await connect_attempt(*client, options, identity.user, url);
            if (!failure) {
                draft.timings.connect_ms = elapsed_ms(started, Clock::now());
                auto run = co_await detail::run_connected(options, *client, draft);
                // An event stream's answer to the POSTed start message comes in the run: a
                // failure before its header is a failed attempt, recorded and (when retryable)
                // retried as a refused WebSocket upgrade is.
                if (!url.event_stream() || !run->failure || run->failure->phase != Phase::upgrade) {
                    co_return run;
                }
                failure = std::move(run->failure);
            }
            attempts.record(*failure, started);
            if (!failure->retryable) {
                break;  // not on the same URL; the next fallback URL is still tried
            }
        }
        if (Clock::now() >= overall_deadline) {
            break;
        }
    }
    auto result = draft.result();
    if (failure) {
        attempts.finish(*failure);
        result->failure = std::move(failure).take();
    } else {
        result->failure = Failure::of(FailureKind::refused, Phase::connect, "no URL to connect to");
    }
    co_return result;
}

// A journey on a client the caller made and connects here.
awaitable<ResultPtr> run_journey_on(const JourneyOptions& options,
                                    std::unique_ptr<detail::ClientPort> client) {
    detail::JourneyDraft draft{
        options.config.url.to_string(), options.thread_id, options.run_id, {}};
    const auto started = Clock::now();
    if (auto failure =
            co_await connect_attempt(*client, options, options.user, options.config.url)) {
        auto result = draft.result();
        result->failure = std::move(failure).take();
        co_return result;
    }
    draft.timings.connect_ms = elapsed_ms(started, Clock::now());
    co_return co_await detail::run_connected(options, *client, draft);
}

constexpr std::size_t kBlockingFloorPeriods = 10;

// Blocks until `journey` and everything it left behind (background closes) finished; every
// string of the result then passes the plan's redactor.
JourneyResult run_blocking(awaitable<ResultPtr> journey, const detail::JourneyPlan& plan) {
    detail::ThreadIoContext lent;
    auto& context = lent.get();
    // Bounded: a journey past a second pays the timerfd calls again, and a journey coroutine
    // that lost all its work still lets run_to_completion find the context out of work.
    detail::TimerFloor floor(context, kBlockingFloorPeriods);
    auto result = detail::run_to_completion(context, std::move(journey));
    floor.stop();
    context.run();  // the background closes of the journey's connections
    detail::redact_result(*result, plan.redactor);
    return std::move(*result);
}

}  // namespace

std::shared_ptr<const detail::JourneyPlan> detail::make_journey_plan(JourneyOptions options) {
    if (!options.resolver) {
        options.resolver = system_resolver();
    }
    auto redactor = journey_redactor(options.config, options.profile);
    auto candidate_urls = options.config.candidate_urls();
    return std::make_shared<const JourneyPlan>(
        JourneyPlan{std::move(options), std::move(redactor), std::move(candidate_urls)});
}

GoldenPathJourney::GoldenPathJourney(JourneyOptions options) {
    // The ids are generated once: every run of this journey reports the same ones.
    if (options.thread_id.empty()) {
        options.thread_id = generated_id("thread", options.user);
    }
    if (options.run_id.empty()) {
        options.run_id = generated_id("run", options.user);
    }
    plan_ = detail::make_journey_plan(std::move(options));
}

JourneyResult GoldenPathJourney::run() {
    return run_blocking(
        run_journey(plan_, identity_of(plan_->options), BlockingClients::call_directly), *plan_);
}

JourneyResult GoldenPathJourney::run(WebSocketClient& client) {
    return run_blocking(run_journey_on(plan_->options, detail::blocking_port(client)), *plan_);
}

void detail::spawn_journey(EventLoop& loop, std::shared_ptr<const JourneyPlan> plan,
                           JourneyIdentity identity, JourneyCompletion done) {
    // The redaction runs in the completion, not in a coroutine around the journey: one frame
    // (and one JourneyResult) less per connection.
    auto journey = run_journey(plan, std::move(identity), BlockingClients::offload);
    net::co_spawn(net::make_strand(detail::EventLoopAccess::context(loop)), std::move(journey),
                  [plan = std::move(plan), done = std::move(done)](std::exception_ptr thrown,
                                                                   ResultPtr result) {
                      if (!result) {
                          done(std::move(thrown), JourneyResult{});
                          return;
                      }
                      try {
                          detail::redact_result(*result, plan->redactor);
                      } catch (...) {  // out of memory: reported as the journey's exception
                          done(std::current_exception(), JourneyResult{});
                          return;
                      }
                      done(std::move(thrown), std::move(*result));
                  });
}

void GoldenPathJourney::async_run(EventLoop& loop, Handler done,
                                  CompletionExecutor completions) const {
    if (!done) {
        throw std::invalid_argument("GoldenPathJourney::async_run needs a completion handler");
    }
    detail::spawn_journey(loop, plan_, identity_of(plan_->options),
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
