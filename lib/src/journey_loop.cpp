#include "journey_loop.hpp"

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "bounded_frames.hpp"
#include "bounded_text.hpp"
#include "boxed_failure.hpp"
#include "printable.hpp"

namespace goldenpath::detail {
namespace {

namespace net = boost::asio;
using net::awaitable;
using net::use_awaitable;

std::string message_of(const ProtocolProfile& profile, const nlohmann::json& body) {
    return profile.server_message(body);  // with the error's code when the profile names one
}

bool is_auth_failure_event(const ProtocolProfile& profile, const nlohmann::json& body) {
    const auto is_auth_code = [&profile](const nlohmann::json* code) {
        return code != nullptr && code->is_string() &&
               std::find(profile.auth_failure_codes.begin(), profile.auth_failure_codes.end(),
                         code->get_ref<const std::string&>()) != profile.auth_failure_codes.end();
    };
    return is_auth_code(profile.find_field(body, "error_code")) ||
           std::any_of(profile.error_code_fields.begin(), profile.error_code_fields.end(),
                       [&](const std::string& field) {
                           return is_auth_code(profile.find_field(body, field));
                       });
}

Failure failure_from_violation(const Violation& violation, const std::string& terminal_message) {
    if (violation.rule == Rule::agent_error) {
        return Failure::agent_error(violation.actual, terminal_message, violation.event_index,
                                    violation.message);
    }
    return Failure::protocol_violation(std::string(rule_name(violation.rule)),
                                       violation.event_index, violation.message);
}

// The receive loop of one connected journey, as a small state machine.
class JourneyLoop {
  public:
    // Frames before the ready event are kept until the run starts; a server that sends more
    // fails the journey (they would all be held in memory).
    static constexpr std::size_t kMaxEarlyFrames = 1'000;

    JourneyLoop(detail::ClientPort& client, const ProtocolProfile& profile,
                const Timeouts& timeouts, std::size_t max_events_per_run, const JourneyDraft& draft)
        : client_(client),
          profile_(profile),
          timeouts_(timeouts),
          draft_(draft),
          timings_(draft.timings),
          limits_(limits_for(max_events_per_run)),
          verifier_(profile, limits_) {}

    awaitable<void> run(std::string start_message) {
        const auto connected = Clock::now();
        if (profile_.wait_for_ready && !co_await wait_for_ready(connected)) {
            co_await finish_with_close();
            co_return;
        }
        if (!co_await send_start(std::move(start_message))) {
            co_await finish_with_close();
            co_return;
        }
        origin_ = Clock::now();
        run_ = verifier_.start_run(draft_.thread_id, draft_.run_id, origin_);
        for (auto& event : early_events_) {
            feed(event);
        }
        // Its buffer too: the journey has a long wait ahead. (`early_events_ = {}` would keep
        // it: that assigns an empty initializer list, which leaves the capacity.)
        std::vector<Event>().swap(early_events_);
        co_await collect();
        co_await finish_with_close();
    }

    // The timings, the first failure and the frames kept; call once, after run().
    void take_outcome(JourneyResult& result) {
        result.timings = timings_;
        result.failure = std::move(failure_).take();
        auto kept = std::move(frames_).take();
        result.frames = std::move(kept.frames);
        result.frames_omitted = kept.omitted;
        result.frames_omitted_at = kept.omitted_at;
    }

    // One run per journey: the connection-wide verdict is that run's, and its timeline also
    // shows the frames no run owns (connection_established, heartbeats, unknown types).
    // Read once, at the end: the timeline is moved out of the verifier, not copied.
    Verdict take_verdict() { return std::move(verifier_).verdict(); }

  private:
    // False, with the journey failed, when the start message could not be sent. The send's
    // std::optional<Failure> (408 bytes) lives in this short frame, not in run()'s, which lasts
    // as long as the journey.
    awaitable<bool> send_start(std::string start_message) {
        auto failure = co_await client_.send_text(std::move(start_message));
        if (failure) {
            fail(std::move(*failure));
            co_return false;
        }
        co_return true;
    }

    awaitable<bool> wait_for_ready(Clock::time_point connected) {
        const auto deadline = connected + timeouts_.ready;
        while (true) {
            auto received = co_await client_.receive(deadline);
            if (received->status == ReceiveResult::Status::timeout) {
                fail(Failure::timeout(Phase::ready, elapsed_ms(connected, Clock::now()),
                                      fmt::format("no {} within {} ms", profile_.ready_type,
                                                  timeouts_.ready.count())));
                co_return false;
            }
            if (received->status != ReceiveResult::Status::frame) {
                on_transport_end(*received, Phase::ready);
                co_return false;
            }
            auto event = parse(std::move(received->frame));
            if (!event) {
                co_return false;
            }
            if (event->type == profile_.ready_type) {
                timings_.ready_ms = elapsed_ms(connected, event->arrival);
                early_events_.push_back(std::move(*event));
                co_return true;
            }
            if (profile_.is_terminal_failure(event->type) &&
                is_auth_failure_event(profile_, event->body)) {
                fail_auth_before_run(*event);
                co_return false;
            }
            if (early_events_.size() == kMaxEarlyFrames) {
                fail_too_many_early_frames();
                co_return false;
            }
            early_events_.push_back(std::move(*event));
        }
    }

    // Failures are made outside the coroutines: a Failure local would take 400 bytes of the
    // frame for as long as it waits.
    void fail_auth_before_run(const Event& event) {
        Failure failure = Failure::of(
            FailureKind::auth_rejected, Phase::ready,
            fmt::format("{} before the run", detail::bounded(event.type, detail::kMaxFieldBytes)));
        failure.message = message_of(profile_, event.body);
        fail(std::move(failure));
    }

    void fail_too_many_early_frames() {
        Failure failure = Failure::protocol_violation(
            std::string(rule_name(Rule::too_many_events)), std::nullopt,
            fmt::format("too_many_events: more than {} frames arrived before {}, but at most {} "
                        "were expected",
                        kMaxEarlyFrames, profile_.ready_type, kMaxEarlyFrames));
        failure.phase = Phase::ready;
        fail(std::move(failure));
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
            if (received->status == ReceiveResult::Status::frame) {
                auto event = parse(std::move(received->frame));
                if (!event) {
                    verifier_.end_of_stream("malformed frame");
                    co_return;
                }
                feed(*event);
                continue;
            }
            if (received->status == ReceiveResult::Status::timeout) {
                on_deadline(deadline, completion_deadline, progressed);
                co_return;
            }
            on_transport_end(*received, Phase::completion);
            co_return;
        }
    }

    // A timeout means `deadline` has passed; waits are measured to it, not to when this runs, so
    // they are exact also for clients with virtual time (InMemoryClient).
    void on_deadline(Clock::time_point deadline, Clock::time_point completion_deadline,
                     bool progressed) {
        const auto now = std::max(Clock::now(), deadline);
        Failure failure;
        if (now >= completion_deadline) {
            failure = Failure::timeout(Phase::completion, elapsed_ms(origin_, now),
                                       fmt::format("agent_completed not received within {} ms",
                                                   timeouts_.completion.count()));
            failure.after_event = event_count();
        } else if (!progressed) {
            failure = Failure::timeout(Phase::first_event, elapsed_ms(origin_, now),
                                       fmt::format("no run event within {} ms of the start message",
                                                   timeouts_.first_event.count()));
        } else {
            failure = Failure::stalled(elapsed_ms(last_progress_, now), event_count(), {});
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
        Failure failure = Failure::closed(phase, close.code, close.reason, event_count(), {});
        if (close.code == 1008) {  // policy violation: how servers refuse a token after the upgrade
            failure.kind = FailureKind::auth_rejected;
        }
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
            fail(Failure::malformed_frame(phase(), index, frame.text.substr(0, 120),
                                          "binary frame where a JSON text frame was expected"));
            return std::nullopt;
        }
        auto parsed = parse_event(frame.text, profile_, frame.arrival, index);
        if (auto* error = std::get_if<EventParseError>(&parsed)) {
            fail(Failure::malformed_frame(phase(), index, error->excerpt, error->reason));
            return std::nullopt;
        }
        return std::get<Event>(std::move(parsed));
    }

    void feed(const Event& event) {
        const auto role = verifier_.feed(event);
        if (role == EventRole::run_event || role == EventRole::terminal_failure) {
            if (!timings_.first_event_ms && origin_ != Clock::time_point{}) {
                timings_.first_event_ms = elapsed_ms(origin_, event.arrival);
            }
            last_progress_ = event.arrival;
            if (event.type == profile_.agent_completed && !timings_.completion_ms) {
                timings_.completion_ms = elapsed_ms(origin_, event.arrival);
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
        if (!failure_ && timeouts_.linger.count() > 0) {
            const auto until = Clock::now() + timeouts_.linger;
            while (true) {
                auto received = co_await client_.receive(until);
                if (received->status != ReceiveResult::Status::frame) {
                    break;
                }
                if (auto event = parse(std::move(received->frame))) {
                    feed(*event);
                }
            }
        }
        auto late =
            co_await client_.close(1000, "goldenpath journey done", Clock::now() + timeouts_.close);
        closed_ = true;
        if (failure_ || verifier_.event_count(run_) > limits_.max_events_per_run) {
            co_return;  // nothing late can change the verdict
        }
        for (auto& frame : late) {
            if (auto event = parse(std::move(frame))) {
                feed(*event);
            }
        }
    }

    Phase phase() const {
        return origin_ == Clock::time_point{} ? Phase::ready : Phase::completion;
    }

    std::size_t event_count() const {
        return origin_ == Clock::time_point{} ? 0 : verifier_.event_count(run_);
    }

    // The first failure is the journey's; one made here gets the journey's URL.
    void fail(Failure failure) {
        if (!failure_) {
            if (failure.url.empty()) {
                failure.url = draft_.url;
            }
            failure_ = std::move(failure);
        }
    }

  public:
    std::string terminal_message() const { return terminal_message_.value_or(std::string()); }

  private:
    detail::ClientPort& client_;
    const ProtocolProfile& profile_;
    const Timeouts& timeouts_;
    const JourneyDraft& draft_;
    PhaseTimings timings_;
    BoxedFailure failure_;
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

// The journey's verdict and the failure it reports, after the run: outside run_connected's frame,
// whose Failure would otherwise take 400 bytes of every running journey's memory.
void settle(JourneyResult& result, Verdict verdict, const std::string& terminal_message) {
    result.verdict = std::move(verdict);

    // A rule broken before the stream ended is the root cause; the transport's end is evidence.
    const auto& violation = result.verdict.violation;
    const bool rule_first = violation && violation->rule != Rule::ended_before_completion &&
                            (!result.failure || result.failure->kind == FailureKind::closed ||
                             result.failure->kind == FailureKind::stalled ||
                             result.failure->kind == FailureKind::timeout);
    if (rule_first) {
        Failure failure = failure_from_violation(*violation, terminal_message);
        failure.url = result.url;
        if (result.failure) {
            failure.detail += fmt::format(" (then {})", result.failure->kind_label());
        }
        result.failure = std::move(failure);
    } else if (!result.failure && !result.verdict.passed()) {
        result.failure =
            Failure::protocol_violation(std::string(rule_name(Rule::ended_before_completion)),
                                        std::nullopt, result.verdict.to_string())
                .on(result.url);
    }
}

// Outside run_connected's frame, like settle: the result, the verdict and the message are made
// after the last wait, and would otherwise take their bytes in every running journey's frame.
std::unique_ptr<JourneyResult> finish(JourneyLoop& loop, const JourneyDraft& draft,
                                      bool tls_verification_skipped) {
    auto result = draft.result();
    result->tls_verification_skipped = tls_verification_skipped;
    loop.take_outcome(*result);
    settle(*result, loop.take_verdict(), loop.terminal_message());
    return result;
}

}  // namespace

awaitable<std::unique_ptr<JourneyResult>> run_connected(const JourneyOptions& options,
                                                        ClientPort& client,
                                                        const JourneyDraft& draft) {
    const auto& profile = options.profile;
    const bool tls_verification_skipped = client.tls_verification_skipped();
    JourneyLoop loop(client, profile, options.config.timeouts, options.config.max_events_per_run,
                     draft);
    co_await loop.run(profile.start_message(options.message, draft.thread_id, draft.run_id));
    co_return finish(loop, draft, tls_verification_skipped);
}

}  // namespace goldenpath::detail
