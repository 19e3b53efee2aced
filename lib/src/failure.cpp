#include "goldenpath/failure.hpp"

#include <utility>

#include <fmt/format.h>

#include "enum_names.hpp"
#include "printable.hpp"

namespace goldenpath {

namespace {

using detail::printable;

// Milliseconds with one decimal, without a trailing ".0": "0.4", "12.3", "300".
std::string format_ms(double ms) {
    std::string text = fmt::format("{:.1f}", ms);
    if (text.size() > 2 && text.ends_with(".0")) {
        text.resize(text.size() - 2);
    }
    return text;
}

// A double-quoted string: quotes and backslashes escaped, and all that printable() escapes.
std::string double_quoted(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return printable(out) + '"';
}

std::string on_url(const std::string& url) {
    return url.empty() ? std::string() : " on " + printable(url);
}

std::string after_event(const std::optional<std::size_t>& after) {
    return after ? fmt::format(" after event {}", *after) : std::string();
}

// " (3 attempts in 730 ms with back-off: +0 ms refused 0.3 ms, +250.1 ms refused 0.2 ms, ...)"
// (start offsets when the journey timed them), or " (1 attempt, not retryable)".
std::string attempts_clause(const Failure& failure) {
    if (failure.attempts.empty()) {
        return {};
    }
    const std::size_t count = failure.attempts.size();
    std::string out = fmt::format(" ({} attempt{}", count, count == 1 ? "" : "s");
    if (count > 1) {
        out += failure.total_ms > 0
                   ? fmt::format(" in {} ms with back-off:", format_ms(failure.total_ms))
                   : std::string(":");
        for (std::size_t i = 0; i < count; ++i) {
            const Attempt& attempt = failure.attempts[i];
            out += i == 0 ? " " : ", ";
            if (failure.total_ms > 0) {
                out += fmt::format("+{} ms ", format_ms(attempt.started_ms));
            }
            out += fmt::format("{} {} ms", printable(attempt.kind_label),
                               format_ms(attempt.elapsed_ms));
            if (!attempt.url.empty() && attempt.url != failure.url) {
                out += " at " + printable(attempt.url);
            }
        }
    }
    if (!failure.retryable) {
        out += ", not retryable";
    }
    out += ')';
    return out;
}

// Total time of a connect failure: with back-off when known, else waited_ms or the attempts' sum.
double connect_elapsed_ms(const Failure& failure) {
    if (failure.total_ms > 0) {
        return failure.total_ms;
    }
    if (failure.waited_ms > 0) {
        return failure.waited_ms;
    }
    double sum = 0;
    for (const Attempt& attempt : failure.attempts) {
        sum += attempt.elapsed_ms;
    }
    return sum;
}

// The kind-specific middle of to_string(): what happened, where, and the evidence.
std::string describe(const Failure& f) {
    switch (f.kind) {
        case FailureKind::refused: {
            const double elapsed = connect_elapsed_ms(f);
            return fmt::format(": connect to {} refused{}", f.url,
                               elapsed > 0 ? " after " + format_ms(elapsed) + " ms" : "");
        }
        case FailureKind::dns:
            return fmt::format(": cannot resolve the host of {}", f.url);
        case FailureKind::timeout:
            return fmt::format(" after {} ms{}", format_ms(f.waited_ms), on_url(f.url));
        case FailureKind::tls:
            return fmt::format(": TLS handshake with {} failed", f.url);
        case FailureKind::http_status:
            // In the connect phase only an HTTP proxy answers with a status (to CONNECT).
            return fmt::format(
                " {} {}{}",
                f.phase == Phase::connect ? "on CONNECT through the proxy to" : "on upgrade to",
                f.url, f.body_excerpt.empty() ? "" : ": body " + double_quoted(f.body_excerpt));
        case FailureKind::auth_rejected: {
            std::string out = fmt::format(": {} rejected the token", f.url);
            if (f.http_status != 0) {
                out += fmt::format(" with HTTP {}", f.http_status);
            }
            if (f.close_code != 0) {
                out += fmt::format(" with close {}", f.close_code);
                if (!f.close_reason.empty()) {
                    out += ' ' + double_quoted(f.close_reason);
                }
            }
            if (!f.message.empty()) {
                out += ": " + double_quoted(f.message);
            }
            return out;
        }
        case FailureKind::closed:
            return fmt::format("{}{}{}",
                               f.close_reason.empty() ? "" : " " + double_quoted(f.close_reason),
                               after_event(f.after_event), on_url(f.url));
        case FailureKind::malformed_frame:
            return fmt::format("{}{}", on_url(f.url),
                               f.excerpt.empty() ? "" : ": frame " + double_quoted(f.excerpt));
        case FailureKind::protocol_violation:
            return fmt::format("{}{}",
                               f.event_index ? fmt::format(" at event #{}", *f.event_index) : "",
                               on_url(f.url));
        case FailureKind::stalled:
            return fmt::format("{}: no event for {} ms{}", after_event(f.after_event),
                               format_ms(f.waited_ms), on_url(f.url));
        case FailureKind::agent_error:
            return fmt::format("{}{}{}", f.message.empty() ? "" : " " + double_quoted(f.message),
                               after_event(f.after_event), on_url(f.url));
    }
    return {};
}

// "tls(unknown_ca)"; just "tls" while the reason is unknown.
std::string labelled(std::string_view kind, const std::string& argument) {
    return argument.empty() ? std::string(kind) : fmt::format("{}({})", kind, printable(argument));
}

constexpr detail::EnumNames<FailureKind, 11> kFailureKindNames{{
    {FailureKind::refused, "refused"},
    {FailureKind::dns, "dns"},
    {FailureKind::timeout, "timeout"},
    {FailureKind::tls, "tls"},
    {FailureKind::http_status, "http_status"},
    {FailureKind::auth_rejected, "auth_rejected"},
    {FailureKind::closed, "closed"},
    {FailureKind::malformed_frame, "malformed_frame"},
    {FailureKind::protocol_violation, "protocol_violation"},
    {FailureKind::stalled, "stalled"},
    {FailureKind::agent_error, "agent_error"},
}};

constexpr detail::EnumNames<Phase, 6> kPhaseNames{{
    {Phase::connect, "connect"},
    {Phase::tls, "tls"},
    {Phase::upgrade, "upgrade"},
    {Phase::ready, "ready"},
    {Phase::first_event, "first_event"},
    {Phase::completion, "completion"},
}};

}  // namespace

std::string_view to_string(FailureKind kind) noexcept {
    return detail::name_of(kFailureKindNames, kind);
}

std::string_view to_string(Phase phase) noexcept {
    return detail::name_of(kPhaseNames, phase);
}

Failure Failure::of(FailureKind kind, Phase phase, std::string detail) {
    Failure failure;
    failure.kind = kind;
    failure.phase = phase;
    failure.detail = std::move(detail);
    return failure;
}

Failure Failure::timeout(Phase phase, double waited_ms, std::string detail) {
    Failure failure = of(FailureKind::timeout, phase, std::move(detail));
    failure.waited_ms = waited_ms;
    return failure;
}

Failure Failure::http_error(int status, std::string body_excerpt, std::string detail) {
    Failure failure = of(FailureKind::http_status, Phase::upgrade, std::move(detail));
    failure.http_status = status;
    failure.body_excerpt = std::move(body_excerpt);
    return failure;
}

Failure Failure::closed(Phase phase, int close_code, std::string close_reason,
                        std::optional<std::size_t> after_event, std::string detail) {
    Failure failure = of(FailureKind::closed, phase, std::move(detail));
    failure.close_code = close_code;
    failure.close_reason = std::move(close_reason);
    failure.after_event = after_event;
    return failure;
}

Failure Failure::malformed_frame(Phase phase, std::size_t frame_index, std::string excerpt,
                                 std::string detail) {
    Failure failure = of(FailureKind::malformed_frame, phase, std::move(detail));
    failure.frame_index = frame_index;
    failure.excerpt = std::move(excerpt);
    return failure;
}

Failure Failure::protocol_violation(std::string rule, std::optional<std::size_t> event_index,
                                    std::string detail) {
    Failure failure = of(FailureKind::protocol_violation, Phase::completion, std::move(detail));
    failure.rule = std::move(rule);
    failure.event_index = event_index;
    return failure;
}

Failure Failure::stalled(double waited_ms, std::optional<std::size_t> after_event,
                         std::string detail) {
    Failure failure = of(FailureKind::stalled, Phase::completion, std::move(detail));
    failure.waited_ms = waited_ms;
    failure.after_event = after_event;
    return failure;
}

Failure Failure::agent_error(std::string error_type, std::string message,
                             std::optional<std::size_t> after_event, std::string detail) {
    Failure failure = of(FailureKind::agent_error, Phase::completion, std::move(detail));
    failure.error_type = std::move(error_type);
    failure.message = std::move(message);
    failure.after_event = after_event;
    return failure;
}

Failure Failure::on(std::string redacted_url) && {
    url = std::move(redacted_url);
    return std::move(*this);
}

std::string Failure::kind_label() const {
    switch (kind) {
        case FailureKind::timeout:
            return fmt::format("timeout({})", goldenpath::to_string(phase));
        case FailureKind::tls:
            return labelled("tls", tls_reason);
        case FailureKind::http_status:
            return fmt::format("http_status({})", http_status);
        case FailureKind::closed:
            return fmt::format("closed({})", close_code);
        case FailureKind::malformed_frame:
            return fmt::format("malformed_frame({})", frame_index);
        case FailureKind::protocol_violation:
            return labelled("protocol_violation", rule);
        case FailureKind::agent_error:
            return labelled("agent_error", error_type);
        case FailureKind::refused:
        case FailureKind::dns:
        case FailureKind::auth_rejected:
        case FailureKind::stalled:
            break;
    }
    return std::string(goldenpath::to_string(kind));
}

std::string Failure::to_string() const {
    std::string out = kind_label();
    const std::string what = describe(*this);
    out += what;
    if (!detail.empty()) {
        // The detail follows the evidence; "; " keeps it apart from a clause that has its own ": ".
        out += what.find(": ") == std::string::npos ? ": " : "; ";
        out += printable(detail);  // one line, whatever the OS or the server said
    }
    out += attempts_clause(*this);
    return out;
}

}  // namespace goldenpath
