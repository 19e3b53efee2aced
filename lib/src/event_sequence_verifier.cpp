#include "goldenpath/event_sequence_verifier.hpp"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "bounded_text.hpp"
#include "enum_names.hpp"
#include "event_pairing_judge.hpp"
#include "printable.hpp"
#include "run_routing.hpp"
#include "text_helpers.hpp"
#include "verifier_profile.hpp"

namespace goldenpath {

namespace {

using detail::bounded;
using detail::kMaxFieldBytes;
using detail::kMaxMessageBytes;
using detail::kMaxSummaryBytes;
using detail::plural;

using detail::compact_key;
using detail::is_open;
using detail::Match;
using detail::match_run;
using detail::RouteMatch;

bool counted(EventRole role) {
    return role == EventRole::run_event || role == EventRole::terminal_failure;
}

std::string call_id_of(const detail::VerifierProfile& profile, const detail::EventFields& fields) {
    for (const std::size_t slot : profile.call_id_slots()) {
        std::string id = field_text(fields.get(slot));
        if (!id.empty()) {
            return compact_key(std::move(id));
        }
    }
    return {};
}

// A call completed by other types of tool_completed's role may be completed once by this one
// (AG-UI: TOOL_CALL_END, then TOOL_CALL_RESULT).
bool completes_again(const std::vector<std::pair<std::string, std::uint32_t>>& completed,
                     const std::string& call_id, std::uint32_t type_index) {
    bool by_other = false;
    for (const auto& [id, type] : completed) {
        if (id == call_id) {
            if (type == type_index) {
                return false;
            }
            by_other = true;
        }
    }
    return by_other;
}

// RunState is private to the verifier; this template sees it through deduction only.
template <typename Run>
std::string describe_run(const Run& run) {
    std::string out;
    if (!run.thread_id.empty()) {
        out += "thread " + run.thread_id;
    }
    const std::string& run_id = run.run_id.empty() ? run.bound_run_id : run.run_id;
    if (!run_id.empty()) {
        out += out.empty() ? "run " : "/run ";
        out += run_id;
    }
    return out.empty() ? std::string("an id-less run") : out;
}

}  // namespace

constexpr detail::EnumNames<Rule, 13> kRuleNames{{
    {Rule::first_not_started, "first_not_started"},
    {Rule::duplicate_started, "duplicate_started"},
    {Rule::no_thinking_before_tool, "no_thinking_before_tool"},
    {Rule::unmatched_tool_completed, "unmatched_tool_completed"},
    {Rule::tool_open_at_completion, "tool_open_at_completion"},
    {Rule::no_tool_call, "no_tool_call"},
    {Rule::event_after_completion, "event_after_completion"},
    {Rule::foreign_event, "foreign_event"},
    {Rule::missing_field, "missing_field"},
    {Rule::ended_before_completion, "ended_before_completion"},
    {Rule::agent_error, "agent_error"},
    {Rule::too_many_events, "too_many_events"},
    {Rule::unpaired, "unpaired"},
}};

std::string_view rule_name(Rule rule) noexcept {
    return detail::name_of(kRuleNames, rule, "unknown_rule");
}

std::string Verdict::to_string() const {
    if (violation) {
        return violation->message;
    }
    if (completed) {
        return fmt::format("follows the golden path ({})", plural(event_count, "event"));
    }
    return fmt::format("incomplete: agent_completed not received ({})",
                       plural(event_count, "event"));
}

EventSequenceVerifier::EventSequenceVerifier()
    : profile_(detail::prepared_default_profile()),
      connection_timeline_(limits_.timeline_head, limits_.timeline_tail) {}

EventSequenceVerifier::EventSequenceVerifier(const ProtocolProfile& profile, VerifierLimits limits)
    : profile_(detail::prepared(profile)),
      limits_(limits),
      connection_timeline_(limits.timeline_head, limits.timeline_tail) {}

EventSequenceVerifier::EventSequenceVerifier(std::shared_ptr<const ProtocolProfile> profile,
                                             VerifierLimits limits)
    : profile_(profile ? detail::prepared(std::move(profile))
                       : throw std::invalid_argument(
                             "[goldenpath.verifier] EventSequenceVerifier's profile must be a "
                             "profile, but is null")),
      limits_(limits),
      connection_timeline_(limits.timeline_head, limits.timeline_tail) {}

const ProtocolProfile& EventSequenceVerifier::profile() const noexcept {
    return profile_->profile();
}

EventSequenceVerifier::RunId EventSequenceVerifier::start_run(std::string thread_id,
                                                              std::string run_id,
                                                              Clock::time_point origin) {
    if (runs_.empty()) {
        // Frames before the first run (connection_established) were timed from the first frame;
        // from now on the connection timeline is timed from this run's origin.
        connection_timeline_.shift_offsets(elapsed_ms(origin, first_arrival_));
    }
    // Made in place: a RunState is a dozen containers, and most verifiers hold one run.
    RunState& run = runs_.emplace_back();
    run.timeline = BoundedTimeline(limits_.timeline_head, limits_.timeline_tail);
    run.thread_id = std::move(thread_id);
    run.run_id = std::move(run_id);
    run.origin = origin;
    run.last_arrival = origin;
    return runs_.size() - 1;
}

EventRole EventSequenceVerifier::feed(const Event& event) {
    if (!run_timelines_kept_ &&
        connection_timeline_.head_.size() >= connection_timeline_.head_limit_) {
        keep_run_timelines();
    }
    const detail::EventTypeInfo& type_info = profile_->info(event.type);
    const EventRole role = type_info.role;
    if (frames_fed_ == 0) {
        first_arrival_ = event.arrival;
    }
    const Clock::time_point connection_origin = runs_.empty() ? first_arrival_ : runs_[0].origin;
    TimelineEntry entry;
    entry.frame_index = event.frame_index;
    entry.type = bounded(event.type, kMaxFieldBytes);
    // Made once per frame and shared by the connection's and the run's timeline.
    const detail::EventFields fields = profile_->summarizer().fields(event);
    entry.summary = profile_->summarizer().summary(fields);
    if (entry.summary.size() > kMaxSummaryBytes) {
        entry.summary = bounded(entry.summary, kMaxSummaryBytes);
    }
    entry.role = role;
    entry.offset_ms = elapsed_ms(connection_origin, event.arrival);
    entry.gap_ms = frames_fed_ == 0 ? 0.0 : elapsed_ms(last_arrival_, event.arrival);
    last_arrival_ = event.arrival;
    ++frames_fed_;

    std::optional<RunId> run_id;
    if (counted(role)) {
        const std::size_t connection_index = counted_events_++;
        run_id = route(event);
        if (!run_id && !routing_violation_) {
            const std::string type = bounded(event.type, kMaxFieldBytes);
            const std::string ids =
                event.run_id.empty() && event.thread_id.empty()
                    ? std::string("without run_id or thread_id")
                    : fmt::format("with{}{}",
                                  event.run_id.empty()
                                      ? ""
                                      : " run_id " + bounded(event.run_id, kMaxFieldBytes),
                                  event.thread_id.empty()
                                      ? ""
                                      : " thread_id " + bounded(event.thread_id, kMaxFieldBytes));
            std::vector<std::string> started;
            for (const RunState& run : runs_) {
                if (started.size() > detail::kMaxListedItems) {
                    break;
                }
                started.push_back(describe_run(run));
            }
            std::string runs = detail::bounded_list(started);
            if (runs_.size() > started.size()) {
                runs = fmt::format("{} ({} in all)", runs, runs_.size());
            }
            Violation violation;
            violation.rule = Rule::foreign_event;
            violation.event_index = connection_index;
            violation.expected = "an event of a run this client started";
            violation.actual = fmt::format("{} {}", type, ids);
            violation.message = bounded(
                fmt::format("foreign_event: event #{} is {} {}, but an event of a run this client "
                            "started was expected ({})",
                            connection_index, type, ids,
                            runs.empty() ? std::string("no run was started")
                                         : fmt::format("runs started: {}", runs)),
                kMaxMessageBytes);
            routing_violation_ = std::make_shared<const Violation>(std::move(violation));
            if (!first_violation_) {
                first_violation_ = routing_violation_;
            }
        }
    } else {
        const RouteMatch match = match_run(runs_, event, profile().agent_started);
        if (match.match == Match::routed || match.match == Match::bind_by_thread) {
            run_id = match.run;
        }
    }

    if (run_id) {
        RunState& run = runs_[*run_id];
        const bool had_violation = run.violation != nullptr;
        const std::optional<std::size_t> index =
            counted(role) ? std::optional<std::size_t>(run.event_count) : std::nullopt;
        entry.event_index = index;
        if (run_timelines_kept_) {
            record(run, event.arrival, entry);
        }
        last_event_index_ = index;
        if (index) {
            judge(run, fields, type_info);
        }
        if (!had_violation && run.violation && !first_violation_) {
            first_violation_ = run.violation;
        }
    } else {
        last_event_index_.reset();
    }
    if (!run_timelines_kept_) {
        if (frame_owners_.empty()) {
            // As the timeline's head: one allocation for a journey's handful of frames.
            frame_owners_.reserve(std::min(limits_.timeline_head, BoundedTimeline::kFirstCapacity));
        }
        frame_owners_.push_back({run_id, event.arrival});
    }
    connection_timeline_.push(std::move(entry));
    return role;
}

std::optional<EventSequenceVerifier::RunId> EventSequenceVerifier::route(const Event& event) {
    const RouteMatch match = match_run(runs_, event, profile().agent_started);
    switch (match.match) {
        case Match::routed:
            return match.run;
        case Match::bind_by_thread:
        case Match::bind_single_open:
            runs_[match.run].bound_run_id = event.run_id;
            return match.run;
        case Match::none:
        case Match::foreign:
            break;
    }
    return std::nullopt;
}

void EventSequenceVerifier::judge(RunState& run, const detail::EventFields& fields,
                                  const detail::EventTypeInfo& type_info) {
    const Event& event = fields.event();
    using detail::GoldenStep;
    const std::size_t index = run.event_count++;
    // Made only for a violation's message: most events break no rule.
    const auto type = [&] { return bounded(event.type, kMaxFieldBytes); };
    const auto summary = [&] { return bounded(event.summary(profile()), kMaxSummaryBytes); };
    const auto violation = [&](Rule rule, const std::string& expected, const std::string& actual,
                               std::string message) {
        Violation v;
        v.rule = rule;
        v.event_index = index;
        v.expected = bounded(expected, kMaxMessageBytes);
        v.actual = bounded(actual, kMaxMessageBytes);
        v.message = bounded(fmt::format("{}: {}", rule_name(rule), message), kMaxMessageBytes);
        fail(run, std::move(v));
    };

    if (index >= limits_.max_events_per_run) {
        // The rest of the run is not judged: its state would grow with what the server sends.
        violation(Rule::too_many_events,
                  fmt::format("at most {} events per run", limits_.max_events_per_run), type(),
                  fmt::format("event #{} is {}, but at most {} events per run were expected "
                              "(max_events_per_run)",
                              index, type(), limits_.max_events_per_run));
        return;
    }

    if (run.completed) {
        violation(Rule::event_after_completion,
                  fmt::format("no event after {}", profile().agent_completed), type(),
                  fmt::format("event #{} is {}, but no event was expected after {}", index,
                              summary(), profile().agent_completed));
    }
    if (type_info.role == EventRole::terminal_failure) {
        const std::string server_message = profile().server_message(event.body);
        violation(
            Rule::agent_error, profile().agent_completed, type(),
            fmt::format(
                "event #{} is {}{} (the run failed), but {} was expected", index, type(),
                server_message.empty() ? std::string() : fmt::format(" \"{}\"", server_message),
                profile().agent_completed));
        return;
    }
    if (index == 0 && type_info.step != GoldenStep::started) {
        violation(
            Rule::first_not_started, profile().agent_started, type(),
            fmt::format("event #0 is {}, but {} was expected", type(), profile().agent_started));
    }
    if (type_info.step == GoldenStep::started) {
        if (run.started) {
            violation(Rule::duplicate_started, fmt::format("one {}", profile().agent_started),
                      type(),
                      fmt::format("event #{} is a second {}, but one {} per run was expected",
                                  index, type(), profile().agent_started));
        }
        run.started = true;
    } else if (type_info.step == GoldenStep::thinking) {
        run.thinking = true;
    } else if (type_info.step == GoldenStep::tool_executing) {
        if (!run.thinking && profile_->thinking_required()) {
            violation(Rule::no_thinking_before_tool, profile().agent_thinking, type(),
                      fmt::format("event #{} is {}, but {} was expected before any tool", index,
                                  summary(), profile().agent_thinking));
        }
        run.open_tools.push_back(
            OpenTool{call_id_of(*profile_, fields),
                     compact_key(field_text(fields.get(profile_->tool_name_slot())))});
    } else if (type_info.step == GoldenStep::tool_completed) {
        const std::string call_id = call_id_of(*profile_, fields);
        const std::string tool_name =
            compact_key(field_text(fields.get(profile_->tool_name_slot())));
        auto& open = run.open_tools;
        auto match = open.end();
        if (!call_id.empty()) {
            match = std::find_if(open.begin(), open.end(),
                                 [&](const OpenTool& tool) { return tool.call_id == call_id; });
        }
        if (match == open.end()) {
            // Either side without a call id pairs by tool name, first in first out.
            match = std::find_if(open.begin(), open.end(), [&](const OpenTool& tool) {
                return (call_id.empty() || tool.call_id.empty()) && tool.tool_name == tool_name;
            });
        }
        if (match == open.end() && !call_id.empty() && profile_->tool_completed_alternatives() &&
            completes_again(run.completed_tools, call_id, type_info.type_index)) {
            run.completed_tools.emplace_back(call_id, type_info.type_index);
        } else if (match == open.end()) {
            const std::string wanted =
                call_id.empty() ? fmt::format("{} {}", profile().tool_name_field, tool_name)
                                : fmt::format("tool_call_id {}", call_id);
            violation(Rule::unmatched_tool_completed,
                      fmt::format("an open {} with {}", profile().tool_executing, wanted),
                      summary(),
                      fmt::format("event #{} is {}, but no {} with {} is open", index, summary(),
                                  profile().tool_executing, wanted));
        } else {
            open.erase(match);
            run.tool_pair = true;
            if (profile_->tool_completed_alternatives() && !call_id.empty()) {
                run.completed_tools.emplace_back(call_id, type_info.type_index);
            }
        }
    } else if (type_info.step == GoldenStep::completed) {
        if (!run.open_tools.empty()) {
            std::vector<std::string> named;
            for (const OpenTool& tool : run.open_tools) {
                if (named.size() == detail::kMaxListedItems) {
                    break;
                }
                std::string name = tool.tool_name.empty() ? std::string("(unnamed)")
                                                          : bounded(tool.tool_name, kMaxFieldBytes);
                if (!tool.call_id.empty()) {
                    name +=
                        fmt::format(" (tool_call_id {})", bounded(tool.call_id, kMaxFieldBytes));
                }
                named.push_back(std::move(name));
            }
            std::string tools = detail::bounded_list(named);
            if (run.open_tools.size() > named.size()) {
                tools += fmt::format(" and {} more ({} open tools in all)",
                                     run.open_tools.size() - named.size(), run.open_tools.size());
            }
            violation(Rule::tool_open_at_completion,
                      fmt::format("{} for {}", profile().tool_completed, tools), type(),
                      fmt::format("event #{} is {}, but {} for {} was expected first (the tool is "
                                  "still open)",
                                  index, type(), profile().tool_completed, tools));
        } else if (!run.tool_pair && profile_->tool_required()) {
            violation(
                Rule::no_tool_call,
                fmt::format("a {}/{} pair", profile().tool_executing, profile().tool_completed),
                type(),
                fmt::format("event #{} is {} without any tool call, but a {}/{} pair was "
                            "expected before it",
                            index, type(), profile().tool_executing, profile().tool_completed));
        }
        if (auto open =
                detail::open_pairs_at_completion(run.open_pairs, *profile_, type(), index)) {
            fail(run, *std::move(open));
        }
        run.completed = true;
    }
    if (!type_info.pairings.empty()) {
        if (auto unpaired =
                detail::judge_pairings(run.open_pairs, *profile_, type_info, fields, index)) {
            fail(run, *std::move(unpaired));
        }
    }
    check_required_fields(run, fields, type_info, index);
}

void EventSequenceVerifier::check_required_fields(RunState& run,
                                                  const detail::EventFields& event_fields,
                                                  const detail::EventTypeInfo& type_info,
                                                  std::size_t index) {
    const Event& event = event_fields.event();
    for (std::size_t g = 0; g < type_info.required_slots.size(); ++g) {
        const std::vector<std::size_t>& slots = type_info.required_slots[g];
        const bool present = std::any_of(slots.begin(), slots.end(), [&](std::size_t slot) {
            return event_fields.get(slot) != nullptr;
        });
        const std::vector<std::string>& group = (*type_info.required)[g];
        if (present) {
            continue;
        }
        std::string fields;
        for (const std::string& f : group) {
            fields += fields.empty() ? "" : "|";
            fields += f;
        }
        Violation v;
        v.rule = Rule::missing_field;
        v.event_index = index;
        v.expected = fmt::format("{} carrying {}", event.type, fields);
        v.actual = bounded(event.summary(profile()), kMaxSummaryBytes);
        v.message = fmt::format("missing_field: event #{} {} lacks {}", index, event.type, fields);
        v.field = std::move(fields);
        fail(run, std::move(v));
        return;
    }
}

void EventSequenceVerifier::fail(RunState& run, Violation violation) {
    if (!run.violation) {
        run.violation = std::make_shared<const Violation>(std::move(violation));
    }
}

void EventSequenceVerifier::end_of_stream(std::string_view reason) {
    for (RunState& run : runs_) {
        if (run.completed || run.violation) {
            continue;
        }
        Violation v;
        v.rule = Rule::ended_before_completion;
        v.event_index = run.event_count;
        v.expected = profile().agent_completed;
        v.actual = std::string(reason);
        v.message = fmt::format(
            "ended_before_completion: the stream ended ({}) at event #{}, but {} was expected",
            reason, run.event_count, profile().agent_completed);
        fail(run, std::move(v));
        if (!first_violation_) {
            first_violation_ = run.violation;
        }
    }
}

bool EventSequenceVerifier::all_finished() const {
    if (routing_violation_) {
        return true;
    }
    return std::none_of(runs_.begin(), runs_.end(),
                        [](const RunState& run) { return is_open(run); });
}

bool EventSequenceVerifier::finished(RunId run) const {
    return !is_open(runs_.at(run));
}

bool EventSequenceVerifier::has_run_event(RunId run) const {
    return runs_.at(run).event_count > 0;
}

std::size_t EventSequenceVerifier::event_count(RunId run) const {
    return runs_.at(run).event_count;
}

Verdict EventSequenceVerifier::verdict(RunId run) const& {
    Verdict verdict = verdict_without_timeline(run);
    verdict.timeline =
        run_timelines_kept_ ? runs_[run].timeline.entries() : derived_run_timeline(run);
    return verdict;
}

Verdict EventSequenceVerifier::verdict(RunId run) && {
    Verdict verdict = verdict_without_timeline(run);
    if (!run_timelines_kept_) {
        keep_run_timelines();
    }
    verdict.timeline = std::move(runs_[run].timeline).entries();
    return verdict;
}

Verdict EventSequenceVerifier::verdict() const& {
    Verdict verdict = verdict_without_timeline();
    verdict.timeline = connection_timeline_.entries();
    return verdict;
}

Verdict EventSequenceVerifier::verdict() && {
    Verdict verdict = verdict_without_timeline();
    verdict.timeline = std::move(connection_timeline_).entries();
    frame_owners_.clear();
    for (RunState& state : runs_) {
        state.timeline = BoundedTimeline(limits_.timeline_head, limits_.timeline_tail);
    }
    return verdict;
}

Verdict EventSequenceVerifier::verdict_without_timeline(RunId run) const {
    const RunState& state = runs_.at(run);
    Verdict verdict;
    verdict.completed = state.completed;
    if (const auto& violation = state.violation ? state.violation : routing_violation_) {
        verdict.violation = *violation;
    }
    verdict.event_count = state.event_count;
    return verdict;
}

Verdict EventSequenceVerifier::verdict_without_timeline() const {
    Verdict verdict;
    verdict.completed =
        !runs_.empty() &&
        std::all_of(runs_.begin(), runs_.end(), [](const RunState& run) { return run.completed; });
    if (first_violation_) {
        verdict.violation = *first_violation_;
    }
    for (const RunState& run : runs_) {
        verdict.event_count += run.event_count;
    }
    return verdict;
}

}  // namespace goldenpath
