#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace goldenpath {

// The failure taxonomy of docs/wire-contract.md.
enum class FailureKind {
    refused,
    dns,
    timeout,
    tls,
    http_status,
    auth_rejected,
    closed,
    malformed_frame,
    protocol_violation,
    stalled,
    agent_error,
};

// Where in a journey something happened; a timeout names the phase whose deadline passed.
enum class Phase { connect, tls, upgrade, ready, first_event, completion };

std::string_view to_string(FailureKind kind) noexcept;
std::string_view to_string(Phase phase) noexcept;
// Print the name (GoogleTest finds these, so a failed EXPECT_EQ says "closed", not bytes).
std::ostream& operator<<(std::ostream& out, FailureKind kind);
std::ostream& operator<<(std::ostream& out, Phase phase);

// One connection attempt that failed, kept in the final failure.
struct Attempt {
    std::string url;  // redacted
    std::string kind_label;
    std::string detail;
    double elapsed_ms = 0;
    double started_ms = 0;  // since the journey's first attempt started, back-off included
};

// A failed connect or journey, as data. Fields not relevant to the kind stay empty.
struct Failure {
    FailureKind kind = FailureKind::refused;
    Phase phase = Phase::connect;
    std::string url;     // redacted
    std::string detail;  // human detail, e.g. the OS error text; never a token

    int http_status = 0;
    std::string body_excerpt;

    int close_code = 0;
    std::string close_reason;
    // Number of run events received before the failure (closed, stalled, agent_error).
    std::optional<std::size_t> after_event;

    std::size_t frame_index = 0;  // malformed_frame
    std::string excerpt;          // malformed_frame

    std::string rule;  // protocol_violation: a rule name of docs/wire-contract.md
    std::optional<std::size_t> event_index;

    double waited_ms = 0;  // stalled, timeout

    std::string error_type;  // agent_error: the event type
    std::string message;     // agent_error: the server's message

    std::string tls_reason;  // tls

    bool retryable = false;
    std::vector<Attempt> attempts;
    double total_ms = 0;  // connect failures: every attempt and the back-off between them

    // Named constructors: a failure of one kind with the fields that kind carries. The URL,
    // attempts, retryable and total_ms are set by whoever knows them (the connect loop).
    // `of` is for refused, dns, tls, auth_rejected: the kinds that carry no more than a detail.
    static Failure of(FailureKind kind, Phase phase, std::string detail);
    static Failure timeout(Phase phase, double waited_ms, std::string detail);
    static Failure http_error(int status, std::string body_excerpt, std::string detail);
    static Failure closed(Phase phase, int close_code, std::string close_reason,
                          std::optional<std::size_t> after_event, std::string detail);
    static Failure malformed_frame(Phase phase, std::size_t frame_index, std::string excerpt,
                                   std::string detail);
    static Failure protocol_violation(std::string rule, std::optional<std::size_t> event_index,
                                      std::string detail);
    static Failure stalled(double waited_ms, std::optional<std::size_t> after_event,
                           std::string detail);
    static Failure agent_error(std::string error_type, std::string message,
                               std::optional<std::size_t> after_event, std::string detail);
    // The same failure, on `url` (already redacted).
    Failure on(std::string redacted_url) &&;

    // "refused", "timeout(first_event)", "http_status(404)", "tls(unknown_ca)",
    // "closed(1011)", "protocol_violation(first_not_started)", ...
    std::string kind_label() const;
    // One line: kind label, what, where, evidence, attempts. Never contains a token.
    std::string to_string() const;
};

}  // namespace goldenpath
