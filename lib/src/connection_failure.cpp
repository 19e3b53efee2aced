#include "connection_failure.hpp"

#include <string>
#include <utility>

#include "retry_decision.hpp"

namespace goldenpath::detail {

Failure finish_connection_failure(Failure failure, Clock::time_point started,
                                  const Redactor& redactor, bool verification_skipped,
                                  bool record_attempt) {
    const double elapsed = elapsed_ms(started, Clock::now());
    failure.retryable = is_retryable(failure);
    if (failure.kind == FailureKind::timeout) {
        failure.waited_ms = elapsed;
    }
    if (verification_skipped) {
        // Loud on purpose: a result obtained without certificate checks must say so.
        failure.detail += std::string(failure.detail.empty() ? "" : "; ") +
                          "TLS certificate verification was SKIPPED (insecure_skip_verify)";
    }
    failure.url = redactor.redact(std::move(failure.url));
    failure.detail = redactor.redact(std::move(failure.detail));
    failure.body_excerpt = redactor.redact(std::move(failure.body_excerpt));
    failure.close_reason = redactor.redact(std::move(failure.close_reason));
    if (record_attempt) {
        Attempt attempt;
        attempt.url = failure.url;
        attempt.kind_label = redactor.redact(failure.kind_label());
        attempt.detail = failure.detail;
        attempt.elapsed_ms = elapsed;
        failure.attempts.push_back(std::move(attempt));
    }
    return failure;
}

}  // namespace goldenpath::detail
