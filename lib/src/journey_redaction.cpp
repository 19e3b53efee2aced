#include "journey_redaction.hpp"

#include <algorithm>
#include <string>
#include <string_view>

#include "goldenpath/url.hpp"
#include "printable.hpp"
#include "text_helpers.hpp"

namespace goldenpath::detail {

namespace {

bool is_credential_header(std::string_view name, const ProtocolProfile& profile) {
    const std::string lower = detail::lower_ascii(name);
    if (lower == "authorization" || lower == "proxy-authorization" || lower == "cookie") {
        return true;
    }
    return std::any_of(profile.secret_query_params.begin(), profile.secret_query_params.end(),
                       [&lower](const std::string& param) {
                           return !param.empty() &&
                                  lower.find(detail::lower_ascii(param)) != std::string::npos;
                       });
}

// Redacted, and valid UTF-8: a binary frame's bytes in a failure must not make to_json().dump()
// throw.
void redact_in_place(std::string& text, const Redactor& redactor) {
    text = detail::valid_utf8(redactor.redact_excerpt(std::move(text)));
}

void redact_failure(Failure& failure, const std::vector<std::string>& frames,
                    const Redactor& redactor) {
    // The excerpt was cut from the frame before redaction: cut it again from the redacted frame.
    if (failure.kind == FailureKind::malformed_frame && failure.frame_index < frames.size() &&
        std::string_view(frames[failure.frame_index]).starts_with(failure.excerpt)) {
        failure.excerpt = redactor.excerpt(frames[failure.frame_index], failure.excerpt.size());
    }
    for (std::string* text : {&failure.url, &failure.detail, &failure.body_excerpt,
                              &failure.close_reason, &failure.excerpt, &failure.rule,
                              &failure.error_type, &failure.message, &failure.tls_reason}) {
        redact_in_place(*text, redactor);
    }
    for (Attempt& attempt : failure.attempts) {
        redact_in_place(attempt.url, redactor);
        redact_in_place(attempt.kind_label, redactor);
        redact_in_place(attempt.detail, redactor);
    }
}

}  // namespace

Redactor journey_redactor(const EndpointConfig& config, const ProtocolProfile& profile) {
    Redactor redactor;
    for (const Secret& token : config.tokens) {
        redactor.add(token.reveal());
    }
    for (const Url& url : config.candidate_urls()) {
        for (const std::string& value : query_values(url.query, profile.secret_query_params)) {
            redactor.add(value);
            redactor.add(percent_decode(value));
        }
    }
    for (const auto& [name, value] : config.extra_headers) {
        if (is_credential_header(name, profile)) {
            redactor.add(value);
            // "Bearer abc": the credential alone may be echoed too.
            if (const std::size_t space = value.find(' '); space != std::string::npos) {
                redactor.add(std::string_view(value).substr(space + 1));
            }
        }
    }
    return redactor;
}

void redact_result(JourneyResult& result, const Redactor& redactor) {
    if (result.failure) {
        redact_failure(*result.failure, result.frames, redactor);
    }
    for (std::string& frame : result.frames) {
        frame = detail::valid_utf8(redactor.redact(std::move(frame)));
    }
    redact_in_place(result.url, redactor);
    redact_in_place(result.thread_id, redactor);
    redact_in_place(result.run_id, redactor);
    if (result.verdict.violation) {
        Violation& violation = *result.verdict.violation;
        for (std::string* text :
             {&violation.expected, &violation.actual, &violation.field, &violation.message}) {
            redact_in_place(*text, redactor);
        }
    }
    for (TimelineEntry& entry : result.verdict.timeline) {
        redact_in_place(entry.type, redactor);
        redact_in_place(entry.summary, redactor);
    }
}

}  // namespace goldenpath::detail
