#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace goldenpath {

// One SLA (`--sla`, GOLDENPATH_SLA, the config's "sla"), parsed once where it is read:
// `(p50|p95|p99|max).(connect|first_event|completion)<Nms` or `success>=P%` (P 0-100, may have
// decimals). See docs/staging-and-load.md.
struct SlaExpression {
    enum class Metric { connect, first_event, completion, success };
    enum class Statistic { p50, p95, p99, max, rate };

    std::string text;  // as written, e.g. "p95.completion<500ms"
    Metric metric = Metric::completion;
    Statistic statistic = Statistic::p95;
    double limit = 0;  // milliseconds, or percent for success

    SlaExpression() = default;
    // Parses `written` as parse(written, "/sla") does; implicit so that a list of expressions can
    // be written as {"p95.completion<500ms", "success>=99%"}.
    SlaExpression(const char* written);  // NOLINT(google-explicit-constructor)

    // Throws ConfigError naming `field` (a flag, a variable or a JSON pointer) and quoting the
    // expression.
    static SlaExpression parse(std::string_view written, std::string_view field);
    // nullopt when `written` is no SLA expression.
    static std::optional<SlaExpression> try_parse(std::string_view written);

    friend bool operator==(const SlaExpression&, const SlaExpression&) = default;
};

// "connect", "first_event", "completion", "success".
std::string_view to_string(SlaExpression::Metric metric) noexcept;
// Writes the expression's text; also what GoogleTest prints.
std::ostream& operator<<(std::ostream& out, const SlaExpression& expression);
std::ostream& operator<<(std::ostream& out, SlaExpression::Metric metric);        // its name
std::ostream& operator<<(std::ostream& out, SlaExpression::Statistic statistic);  // its name

// Checks one SLA expression (SlaExpression::parse without the result).
void validate_sla_expression(std::string_view expr, std::string_view field);

}  // namespace goldenpath
