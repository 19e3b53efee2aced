#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "goldenpath/clock.hpp"
#include "goldenpath/event.hpp"
#include "goldenpath/protocol_profile.hpp"

namespace goldenpath {

namespace detail {
class VerifierProfile;
struct EventTypeInfo;
class EventFields;
}  // namespace detail

// The golden-path rules of docs/wire-contract.md; rule_name() gives the stable identifiers.
enum class Rule {
    first_not_started,
    duplicate_started,
    no_thinking_before_tool,
    unmatched_tool_completed,
    tool_open_at_completion,
    no_tool_call,
    event_after_completion,
    foreign_event,
    missing_field,
    ended_before_completion,
    agent_error,
    too_many_events,  // more run events than VerifierLimits::max_events_per_run
    unpaired,         // a ProtocolProfile::pairings span closed unopened, opened twice or left open
};

std::string_view rule_name(Rule rule) noexcept;
std::ostream& operator<<(std::ostream& out, Rule rule);  // rule_name

struct Violation {
    Rule rule = Rule::first_not_started;
    // 0-based over the run's events (ignored and unknown types excluded); for foreign_event the
    // index among all counted events of the connection.
    std::size_t event_index = 0;
    std::string expected;    // e.g. "agent_started"
    std::string actual;      // e.g. "agent_thinking"
    std::string field;       // missing_field: the field (or "a|b" alternatives)
    std::string pairing;     // unpaired: the pairing's name (e.g. "text_message")
    std::string pairing_id;  // unpaired: the span's id (its id_field's value)
    std::string message;     // a complete sentence naming rule, index, expected and actual
};

// How the verifier treated one frame.
enum class EventRole { run_event, terminal_failure, ignored, ready, unknown };

std::string_view to_string(EventRole role) noexcept;  // "run_event", ...
std::ostream& operator<<(std::ostream& out, EventRole role);

struct TimelineEntry {
    std::size_t frame_index = 0;
    std::optional<std::size_t> event_index;  // index within its run, when counted
    std::string type;
    std::string summary;  // Event::summary
    EventRole role = EventRole::unknown;
    double offset_ms = 0;  // since the run's origin (start message written)
    double gap_ms = 0;     // since the previous frame
    // Non-zero only for the one entry that stands where a long timeline left out this many
    // entries (between its first and its last ones); its other fields are empty.
    std::size_t omitted = 0;
};

// Limits that keep a verifier's memory and its messages bounded, whatever the server sends.
struct VerifierLimits {
    // Counted run events per run; the one after the last fails the run as too_many_events.
    std::size_t max_events_per_run = 100'000;
    // A timeline keeps its first `timeline_head` and its last `timeline_tail` entries.
    std::size_t timeline_head = 1'000;
    std::size_t timeline_tail = 100;
};

// The first and the last entries of a timeline, and how many between them were left out.
// Not thread-safe, like a standard container: only const members may run concurrently.
class BoundedTimeline {
  public:
    explicit BoundedTimeline(std::size_t head_limit = VerifierLimits{}.timeline_head,
                             std::size_t tail_limit = VerifierLimits{}.timeline_tail);

    void push(TimelineEntry&& entry);
    void push(const TimelineEntry& entry) { push(TimelineEntry(entry)); }
    bool empty() const noexcept { return head_.empty() && tail_.empty(); }
    std::size_t omitted() const noexcept { return omitted_; }
    // Moves every kept entry's offset (frames timed before a run's origin existed).
    void shift_offsets(double ms);
    // The kept entries in order, with one `omitted` entry where entries were left out.
    std::vector<TimelineEntry> entries() const&;
    // The same, moved out of a timeline that is done with: nothing is copied, and the timeline is
    // left empty.
    std::vector<TimelineEntry> entries() &&;

  private:
    // A verifier makes a run's timeline from its connection's (run_timelines.cpp).
    friend class EventSequenceVerifier;

    // Entries made room for at the first push: a golden journey's frames (the ready event and five
    // run events) in one allocation, with no room left over in every journey held at once.
    static constexpr std::size_t kFirstCapacity = 6;

    std::size_t head_limit_;
    std::size_t tail_limit_;
    std::vector<TimelineEntry> head_;
    // A ring of at most tail_limit_ entries, the oldest at tail_start_ (a vector allocates
    // nothing until used, unlike a deque: a timeline is made per run).
    std::vector<TimelineEntry> tail_;
    std::size_t tail_start_ = 0;
    std::size_t omitted_ = 0;
};

struct Verdict {
    bool completed = false;  // agent_completed seen
    std::optional<Violation> violation;
    std::vector<TimelineEntry> timeline;
    std::size_t event_count = 0;  // counted run events

    bool passed() const noexcept { return completed && !violation.has_value(); }
    // "follows the golden path (5 events)" or the violation's message.
    std::string to_string() const;
};

// Renders a timeline, one line per frame: `#3 +12.4ms (+0.3ms) tool_completed {tool_name: search}`.
std::string format_timeline(const std::vector<TimelineEntry>& timeline);

// How many timelines format_timeline has rendered in this process (thread-safe): lets a test check
// that a matcher renders none when nobody reads its explanation.
std::size_t formatted_timeline_count() noexcept;

// Judges events as they arrive, for one or several runs on one connection (docs/wire-contract.md
// "Routing" and "Golden-path order"). Not thread-safe: use it from one thread at a time.
class EventSequenceVerifier {
  public:
    using RunId = std::size_t;

    // The default_profile(), prepared once per process and shared.
    EventSequenceVerifier();
    // Shares a recently used profile equal to `profile` (a process keeps a few), else copies it.
    explicit EventSequenceVerifier(const ProtocolProfile& profile, VerifierLimits limits = {});
    // Shares `profile` (not null) with every verifier made from the same pointer: nothing is
    // copied, and its event types are matched to roles once for them all.
    explicit EventSequenceVerifier(std::shared_ptr<const ProtocolProfile> profile,
                                   VerifierLimits limits = {});

    // Declares a run this client started. `origin` is when its start message was written; offsets
    // in its timeline are relative to it.
    RunId start_run(std::string thread_id, std::string run_id = {},
                    Clock::time_point origin = Clock::now());

    // Feeds one received event; returns the role it played.
    EventRole feed(const Event& event);
    // The index within its run of the event fed last (its timeline's "#N"); nullopt when it was
    // not counted in a run (ready, ignored, unknown, foreign) or nothing was fed yet.
    std::optional<std::size_t> last_event_index() const noexcept { return last_event_index_; }

    // The stream ended (close, EOF, stall, deadline): every run still open gets
    // ended_before_completion, with `reason` in its message.
    void end_of_stream(std::string_view reason);

    // True once every started run has completed or failed.
    bool all_finished() const;
    bool finished(RunId run) const;
    // True once a run event or terminal event has been routed to the run (first_event met).
    bool has_run_event(RunId run) const;
    // Counted run events routed to `run` so far.
    std::size_t event_count(RunId run) const;

    Verdict verdict(RunId run) const&;
    // The connection-wide verdict: the first violation of any run, or of routing (foreign_event).
    Verdict verdict() const&;
    // The same verdicts from a verifier that is done with (`std::move(verifier).verdict()`): the
    // timeline is moved out instead of copied. The run's verdict leaves that run's timeline empty;
    // the connection's leaves every timeline of the verifier empty.
    Verdict verdict(RunId run) &&;
    Verdict verdict() &&;

    const ProtocolProfile& profile() const noexcept;

  private:
    struct OpenTool {
        std::string call_id;
        std::string tool_name;
    };
    // A violation never changes once found, so a copy of the verifier may share it. On the heap:
    // the three std::optional<Violation> a journey's verifier held were 650 bytes of every
    // connection, and almost every run breaks no rule.
    using SharedViolation = std::shared_ptr<const Violation>;
    struct RunState {
        std::string thread_id;
        std::string run_id;
        std::string bound_run_id;  // assigned by the server at agent_started
        Clock::time_point origin;
        Clock::time_point last_arrival;
        bool started = false;
        bool thinking = false;
        bool tool_pair = false;
        bool completed = false;
        std::vector<OpenTool> open_tools;
        // Calls completed, with the type that completed them, kept only when tool_completed has
        // alternative types (each may complete a call once).
        std::vector<std::pair<std::string, std::uint32_t>> completed_tools;
        // Open spans of the profile's pairings: pairing index, span id.
        std::vector<std::pair<std::size_t, std::string>> open_pairs;
        std::size_t event_count = 0;
        SharedViolation violation;
        BoundedTimeline timeline;
    };

    std::optional<RunId> route(const Event& event);
    void judge(RunState& run, const detail::EventFields& fields, const detail::EventTypeInfo& type);
    void check_required_fields(RunState& run, const detail::EventFields& fields,
                               const detail::EventTypeInfo& type, std::size_t index);
    // Adds a frame's connection timeline entry to the run's timeline, timed from the run's origin.
    static void record(RunState& run, Clock::time_point arrival,
                       const TimelineEntry& connection_entry);
    // Run timelines made on demand (run_timelines.cpp): while the connection timeline's head holds
    // every frame fed, the runs keep no timeline of their own, only which run each frame went to
    // (frame_owners_), and a run's timeline is made from the connection's when asked for. A
    // journey asks only for the connection's, so each entry is made and copied once, not twice.
    std::vector<TimelineEntry> derived_run_timeline(RunId run) const;
    // Called before a frame the connection's head has no room for, or when a run's timeline is
    // moved out: each run's timeline is made, and kept by the run from then on.
    void keep_run_timelines();
    static void fail(RunState& run, Violation violation);
    Verdict verdict_without_timeline(RunId run) const;
    Verdict verdict_without_timeline() const;

    std::shared_ptr<const detail::VerifierProfile> profile_;
    VerifierLimits limits_;
    std::vector<RunState> runs_;
    BoundedTimeline connection_timeline_;
    SharedViolation routing_violation_;
    std::size_t counted_events_ = 0;
    Clock::time_point last_arrival_{};
    // The earliest violation of any run or of routing, for verdict().
    SharedViolation first_violation_;
    // Arrival of the first frame: offsets of frames fed before the first run are fixed up at
    // start_run.
    Clock::time_point first_arrival_{};
    std::size_t frames_fed_ = 0;
    std::optional<std::size_t> last_event_index_;
    struct FrameOwner {
        std::optional<RunId> run;
        Clock::time_point arrival;
    };
    // One per entry of the connection timeline's head while run timelines are derived.
    std::vector<FrameOwner> frame_owners_;
    bool run_timelines_kept_ = false;
};

}  // namespace goldenpath
