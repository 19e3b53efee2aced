#include "goldenpath/sla_expression.hpp"

#include <charconv>
#include <cmath>
#include <ostream>
#include <system_error>
#include <utility>

#include "config_fields.hpp"
#include "enum_names.hpp"
#include "strict_integer.hpp"
#include "text_helpers.hpp"

namespace goldenpath {

namespace {

constexpr std::string_view kSlaRequirement =
    "must be (p50|p95|p99|max).(connect|first_event|completion)<Nms or success>=P% with P 0-100";

constexpr detail::EnumNames<SlaExpression::Statistic, 4> kStatistics{{
    {SlaExpression::Statistic::p50, "p50"},
    {SlaExpression::Statistic::p95, "p95"},
    {SlaExpression::Statistic::p99, "p99"},
    {SlaExpression::Statistic::max, "max"},
}};

constexpr detail::EnumNames<SlaExpression::Metric, 4> kMetrics{{
    {SlaExpression::Metric::connect, "connect"},
    {SlaExpression::Metric::first_event, "first_event"},
    {SlaExpression::Metric::completion, "completion"},
    {SlaExpression::Metric::success, "success"},
}};

// digits, optionally followed by '.' and digits, as a number 0-100.
std::optional<double> parse_percent(std::string_view text) {
    const std::size_t dot = text.find('.');
    const bool decimal =
        dot == std::string_view::npos
            ? detail::is_digits(text)
            : detail::is_digits(text.substr(0, dot)) && detail::is_digits(text.substr(dot + 1));
    double value = 0;
    const char* const end = text.data() + text.size();
    if (!decimal) {
        return std::nullopt;
    }
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc() || stop != end || !(value <= 100.0)) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

SlaExpression::SlaExpression(const char* written) : SlaExpression(parse(written, "/sla")) {}

std::optional<SlaExpression> SlaExpression::try_parse(std::string_view written) {
    SlaExpression sla;
    sla.text = std::string(written);
    constexpr std::string_view success = "success>=";
    if (written.starts_with(success)) {
        std::string_view percent = written.substr(success.size());
        if (percent.empty() || percent.back() != '%') {
            return std::nullopt;
        }
        percent.remove_suffix(1);
        const std::optional<double> limit = parse_percent(percent);
        if (!limit) {
            return std::nullopt;
        }
        sla.metric = Metric::success;
        sla.statistic = Statistic::rate;
        sla.limit = *limit;
        return sla;
    }
    const std::size_t dot = written.find('.');
    const std::size_t less = written.find('<');
    if (dot == std::string_view::npos || less == std::string_view::npos || less < dot) {
        return std::nullopt;
    }
    const std::optional<Statistic> statistic =
        detail::enum_named(kStatistics, written.substr(0, dot));
    const std::optional<Metric> metric =
        detail::enum_named(kMetrics, written.substr(dot + 1, less - dot - 1));
    std::string_view limit = written.substr(less + 1);
    if (!statistic || !metric || *metric == Metric::success || !limit.ends_with("ms")) {
        return std::nullopt;
    }
    limit.remove_suffix(2);
    const std::optional<long long> milliseconds = detail::parse_digits(limit);
    if (!milliseconds) {
        return std::nullopt;
    }
    sla.statistic = *statistic;
    sla.metric = *metric;
    sla.limit = static_cast<double>(*milliseconds);
    return sla;
}

SlaExpression SlaExpression::parse(std::string_view written, std::string_view field) {
    std::optional<SlaExpression> sla = try_parse(written);
    if (!sla) {
        detail::fail_field(field, kSlaRequirement, detail::shown(written));
    }
    return std::move(*sla);
}

std::string_view to_string(SlaExpression::Metric metric) noexcept {
    return detail::name_of(kMetrics, metric, "?");
}

std::ostream& operator<<(std::ostream& out, const SlaExpression& expression) {
    return out << expression.text;
}

void validate_sla_expression(std::string_view expr, std::string_view field) {
    (void)SlaExpression::parse(expr, field);
}

}  // namespace goldenpath
