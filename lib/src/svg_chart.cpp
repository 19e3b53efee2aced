#include "svg_chart.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "html_text.hpp"

namespace goldenpath::svg {
namespace {

using html::duration;
using html::escape;
using html::member;
using html::number;

constexpr double kFar = 1e12;  // clamps hostile coordinates into something an SVG can draw

double clamped(double value) {
    return std::clamp(std::isfinite(value) ? value : 0.0, -kFar, kFar);
}

std::size_t count_of(const nlohmann::json& value) {
    return html::count(value).value_or(0);
}

// A step of 1, 2 or 5 times a power of ten giving about `ticks` ticks over `range`.
double nice_step(double range, int ticks) {
    const double raw = std::max(range, 1e-9) / ticks;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double factor : {1.0, 2.0, 5.0}) {
        if (raw <= factor * magnitude) {
            return factor * magnitude;
        }
    }
    return 10.0 * magnitude;
}

std::string signed_duration(double ms) {
    return (ms >= 0 ? "+" : "") + duration(ms);
}

std::string open_svg(double width, double height, std::string_view label) {
    return fmt::format(
        R"(<svg class="chart" viewBox="0 0 {:.0f} {:.0f}" width="{:.0f}" height="{:.0f}" role="img" aria-label="{}">)",
        width, height, width, height, escape(label));
}

std::string empty_chart(double width, double height, std::string_view text) {
    return open_svg(width, height, text) +
           fmt::format(
               R"(<text class="empty" x="{:.0f}" y="{:.0f}" text-anchor="middle">{}</text></svg>)",
               width / 2, height / 2, escape(text));
}

}  // namespace

std::string histogram(const nlohmann::json& phase) {
    constexpr double kWidth = 560, kHeight = 200, kLeft = 48, kRight = 16, kTop = 12, kBottom = 34;
    constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;
    constexpr int kBins = 56;
    const auto& buckets = member(member(phase, "histogram"), "buckets");
    if (!buckets.is_array() || buckets.empty()) {
        return empty_chart(kWidth, kHeight, "no journey reached this phase");
    }
    double lowest = kFar, highest = 1;
    for (const auto& bucket : buckets) {
        if (bucket.is_array() && bucket.size() == 2 && bucket[0].is_number()) {
            const double at = std::max(1.0, clamped(bucket[0].get<double>()));
            lowest = std::min(lowest, at);
            highest = std::max(highest, at);
        }
    }
    highest = std::max(highest, clamped(number(member(phase, "histogram"), "max_us", 1)));
    lowest = std::min(lowest, highest);
    double log_low = std::log10(lowest), log_high = std::log10(highest * 1.02 + 1);
    if (log_high - log_low < 1) {  // at least one decade, centred
        const double pad = (1 - (log_high - log_low)) / 2;
        log_low -= pad;
        log_high += pad;
    }
    const double span = log_high - log_low;
    const auto x_of_us = [&](double micros) {
        const double at = std::log10(std::max(micros, 1.0));
        return kLeft + std::clamp((at - log_low) / span, 0.0, 1.0) * kPlotW;
    };
    std::array<std::size_t, kBins> bins{};
    for (const auto& bucket : buckets) {
        if (bucket.is_array() && bucket.size() == 2 && bucket[0].is_number()) {
            const double at = std::log10(std::max(1.0, clamped(bucket[0].get<double>())));
            const int bin =
                std::clamp(static_cast<int>((at - log_low) / span * kBins), 0, kBins - 1);
            bins[static_cast<std::size_t>(bin)] += count_of(bucket[1]);
        }
    }
    const std::size_t tallest =
        std::max<std::size_t>(1, *std::max_element(bins.begin(), bins.end()));
    std::string out = open_svg(kWidth, kHeight, "latency histogram");
    out += fmt::format(R"(<line class="axis" x1="{0}" y1="{1}" x2="{2}" y2="{1}"/>)", kLeft,
                       kTop + kPlotH, kLeft + kPlotW);
    for (const double fraction : {0.5, 1.0}) {
        const double y = kTop + kPlotH * (1 - fraction);
        out += fmt::format(
            R"(<line class="grid" x1="{0}" y1="{1:.1f}" x2="{2}" y2="{1:.1f}"/><text class="tick" x="{3}" y="{4:.1f}" text-anchor="end">{5}</text>)",
            kLeft, y, kLeft + kPlotW, kLeft - 6, y + 4,
            fmt::format("{:.0f}", std::round(static_cast<double>(tallest) * fraction)));
    }
    const double bin_width = kPlotW / kBins;
    for (int bin = 0; bin < kBins; ++bin) {
        const auto count = bins[static_cast<std::size_t>(bin)];
        if (count == 0) {
            continue;
        }
        const double height =
            std::max(1.0, static_cast<double>(count) / static_cast<double>(tallest) * kPlotH);
        const double from_ms = std::pow(10.0, log_low + span * bin / kBins) / 1000.0;
        const double to_ms = std::pow(10.0, log_low + span * (bin + 1) / kBins) / 1000.0;
        out += fmt::format(
            R"(<rect class="bar" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}"><title>{} journeys: {} to {}</title></rect>)",
            kLeft + bin * bin_width + 0.5, kTop + kPlotH - height, std::max(1.0, bin_width - 1),
            height, count, duration(from_ms), duration(to_ms));
    }
    // Ticks at 1, 2, 5 times powers of ten, thinned to decades when the axis spans many.
    const bool decades_only = span > 3;
    for (int decade = static_cast<int>(std::floor(log_low)); decade <= std::ceil(log_high);
         ++decade) {
        for (const double factor : {1.0, 2.0, 5.0}) {
            if (decades_only && factor != 1.0) {
                continue;
            }
            const double micros = factor * std::pow(10.0, decade);
            const double at = std::log10(micros);
            if (at < log_low || at > log_high) {
                continue;
            }
            const double x = x_of_us(micros);
            out += fmt::format(
                R"(<line class="axis" x1="{0:.1f}" y1="{1}" x2="{0:.1f}" y2="{2}"/><text class="tick" x="{0:.1f}" y="{3}" text-anchor="middle">{4}</text>)",
                x, kTop + kPlotH, kTop + kPlotH + 4, kTop + kPlotH + 16,
                micros >= 1e6 ? fmt::format("{:g} s", micros / 1e6)
                              : fmt::format("{:g} ms", micros / 1e3));
        }
    }
    out += fmt::format(
        R"(<text class="tick" x="{}" y="{}" text-anchor="end">latency (log scale)</text>)",
        kLeft + kPlotW, kHeight - 2);
    constexpr std::array<const char*, 4> kMarks{"p50", "p95", "p99", "max"};
    for (std::size_t i = 0; i < kMarks.size(); ++i) {
        const auto& value = member(phase, kMarks[i]);
        if (!value.is_number()) {
            continue;
        }
        const double ms = clamped(value.get<double>());
        const double x = x_of_us(ms * 1000);
        const bool right_edge = x > kLeft + kPlotW - 90;
        const double y = kTop + 11 + 13 * static_cast<double>(i);
        out += fmt::format(
            R"(<line class="mark {0}" x1="{1:.1f}" y1="{2}" x2="{1:.1f}" y2="{3}"/><text class="mark-label {0}" x="{4:.1f}" y="{5:.1f}" text-anchor="{6}">{0} {7}</text>)",
            kMarks[i], x, kTop, kTop + kPlotH, right_edge ? x - 4 : x + 4, y,
            right_edge ? "end" : "start", duration(ms));
    }
    return out + "</svg>";
}

std::string throughput(const nlohmann::json& series) {
    constexpr double kWidth = 1100, kHeight = 220, kLeft = 52, kRight = 16, kTop = 14, kBottom = 40;
    constexpr double kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;
    const auto& finished = member(series, "finished");
    const auto& failed = member(series, "failed");
    if (!finished.is_array() || finished.empty()) {
        return empty_chart(kWidth, kHeight, "no journey finished");
    }
    const double bucket_ms = std::max(1.0, clamped(number(series, "bucket_ms", 1000)));
    const std::size_t n = std::min<std::size_t>(finished.size(), 4096);
    std::size_t tallest = 1;
    for (std::size_t i = 0; i < n; ++i) {
        tallest = std::max(tallest, count_of(finished[i]));
    }
    std::string out = open_svg(kWidth, kHeight, "journeys per second");
    for (const double fraction : {0.0, 0.5, 1.0}) {
        const double y = kTop + kPlotH * (1 - fraction);
        out += fmt::format(
            R"(<line class="{5}" x1="{0}" y1="{1:.1f}" x2="{2}" y2="{1:.1f}"/><text class="tick" x="{3}" y="{4:.1f}" text-anchor="end">{6:.0f}</text>)",
            kLeft, y, kLeft + kPlotW, kLeft - 6, y + 4, fraction == 0.0 ? "axis" : "grid",
            std::round(static_cast<double>(tallest) * fraction));
    }
    const double bar = std::min(48.0, kPlotW / static_cast<double>(n));  // short runs: few bars
    for (std::size_t i = 0; i < n; ++i) {
        const auto all = count_of(finished[i]);
        const auto bad =
            std::min(all, failed.is_array() && i < failed.size() ? count_of(failed[i]) : 0);
        const double x = kLeft + static_cast<double>(i) * bar + (bar > 3 ? 0.5 : 0);
        const double w = std::max(0.8, bar > 3 ? bar - 1 : bar);
        const double scale = kPlotH / static_cast<double>(tallest);
        const double good_h = static_cast<double>(all - bad) * scale;
        const double bad_h = static_cast<double>(bad) * scale;
        const std::string title =
            fmt::format("<title>{:g}-{:g} s: {} finished, {} failed</title>",
                        static_cast<double>(i) * bucket_ms / 1000,
                        static_cast<double>(i + 1) * bucket_ms / 1000, all, bad);
        if (all - bad > 0) {
            out += fmt::format(
                R"(<rect class="passed" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}">{}</rect>)",
                x, kTop + kPlotH - good_h, w, good_h, title);
        }
        if (bad > 0) {
            out += fmt::format(
                R"(<rect class="failed" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}">{}</rect>)",
                x, kTop + kPlotH - good_h - bad_h, w, bad_h, title);
        }
    }
    const auto step = std::max<std::size_t>(1, (n + 9) / 10);
    for (std::size_t i = 0; i <= n; i += step) {
        const double x = kLeft + static_cast<double>(i) * bar;
        out += fmt::format(
            R"(<line class="axis" x1="{0:.1f}" y1="{1}" x2="{0:.1f}" y2="{2}"/><text class="tick" x="{0:.1f}" y="{3}" text-anchor="middle">{4:g} s</text>)",
            x, kTop + kPlotH, kTop + kPlotH + 4, kTop + kPlotH + 16,
            static_cast<double>(i) * bucket_ms / 1000);
    }
    out += fmt::format(
        R"(<text class="tick" x="{}" y="{}" text-anchor="end">time since the start of the run; one bar per {:g} s</text>)",
        kLeft + kPlotW, kHeight - 4, bucket_ms / 1000);
    return out + "</svg>";
}

namespace {

struct Row {
    std::string label;
    double start = 0;
    double end = 0;
    std::string css;  // bar class
    std::string title;
};

}  // namespace

std::string waterfall(const nlohmann::json& journey, std::size_t max_rows) {
    constexpr double kWidth = 1100, kLabelW = 250, kRight = 70, kTop = 26, kRowH = 20, kBottom = 28;
    constexpr double kPlotW = kWidth - kLabelW - kRight;
    std::vector<Row> rows;
    const auto& timings = member(journey, "timings_ms");
    const auto& connect = member(timings, "connect");
    const auto& ready = member(timings, "ready");
    // In-process connections can deliver the ready frame before the upgrade's end is timed.
    const double ready_ms = ready.is_number() ? std::max(0.0, clamped(ready.get<double>())) : 0;
    const auto& timeline = member(journey, "timeline");
    const std::size_t frames = timeline.is_array() ? timeline.size() : 0;
    // The journey sends its start message right after the ready frame: the last frame before it.
    double ready_at = 0;
    for (std::size_t i = 0; i < frames && number(timeline[i], "offset_ms") <= 0; ++i) {
        ready_at = std::max(-kFar, clamped(number(timeline[i], "offset_ms")));
    }
    if (connect.is_number()) {
        const double ms = std::max(0.0, clamped(connect.get<double>()));
        rows.push_back({"connect", ready_at - ready_ms - ms, ready_at - ready_ms, "phase",
                        fmt::format("connect (TCP, TLS, upgrade): {}", duration(ms))});
    }
    if (ready.is_number()) {
        rows.push_back({"ready", ready_at - ready_ms, ready_at, "phase",
                        fmt::format("ready: {} after the upgrade", duration(ready_ms))});
    }
    const std::size_t tail = std::min<std::size_t>(8, max_rows / 4);
    const bool clipped = frames > max_rows;
    for (std::size_t i = 0; i < frames; ++i) {
        if (clipped && i == max_rows - tail) {
            rows.push_back({fmt::format("... {} frames", frames - max_rows), 0, 0, "gap", ""});
            i = frames - tail;
        }
        const auto& entry = timeline[i];
        const double offset = clamped(number(entry, "offset_ms"));
        const double gap = std::max(0.0, clamped(number(entry, "gap_ms")));
        const auto& type = member(entry, "type");
        const std::string type_text = type.is_string() ? type.get<std::string>() : "?";
        rows.push_back(
            {fmt::format("#{:.0f} {}", number(entry, "frame_index"), type_text.substr(0, 40)),
             offset - gap, offset, "event",
             fmt::format("{} ({} after the previous frame)", signed_duration(offset),
                         duration(gap))});
        rows.back().title +=
            " " + member(entry, "summary")
                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                      .substr(0, 200);
    }
    double first = 0, last = 0;
    for (const auto& row : rows) {
        first = std::min(first, row.start);
        last = std::max(last, row.end);
    }
    if (rows.empty()) {
        return empty_chart(kWidth, 60, "no timing: the journey failed before connecting");
    }
    const auto& failure = member(journey, "failure");
    if (failure.is_object()) {
        const auto& label = member(failure, "label");
        rows.push_back({"failure: " + (label.is_string() ? label.get<std::string>().substr(0, 40)
                                                         : std::string("?")),
                        last, last, "failure", ""});
    }
    const double range = std::max(last - first, 0.001);
    const auto x_of = [&](double ms) { return kLabelW + (ms - first) / range * kPlotW; };
    const double height = kTop + kRowH * static_cast<double>(rows.size()) + kBottom;
    std::string out = open_svg(kWidth, height, "journey waterfall");
    const double step = nice_step(range, 8);
    for (double at = std::ceil(first / step) * step; at <= last + step * 1e-6; at += step) {
        const double x = x_of(at);
        out += fmt::format(
            R"(<line class="grid" x1="{0:.1f}" y1="{1}" x2="{0:.1f}" y2="{2:.1f}"/><text class="tick" x="{0:.1f}" y="{3}" text-anchor="middle">{4}</text>)",
            x, kTop - 4, height - kBottom, kTop - 10,
            std::fabs(at) < step * 1e-6 ? std::string("0") : signed_duration(at));
    }
    const double zero = x_of(0);
    out += fmt::format(
        R"(<line class="origin" x1="{0:.1f}" y1="{1}" x2="{0:.1f}" y2="{2:.1f}"/><text class="tick" x="{0:.1f}" y="{3:.1f}" text-anchor="middle">start message sent</text>)",
        zero, kTop - 4, height - kBottom, height - kBottom + 16);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& row = rows[i];
        const double y = kTop + kRowH * static_cast<double>(i);
        out += fmt::format(
            R"(<text class="row-label {}" x="{}" y="{:.1f}" text-anchor="end">{}</text>)", row.css,
            kLabelW - 8, y + 14, escape(row.label, 64));
        if (row.css == "gap") {
            continue;
        }
        const double x1 = x_of(row.start), x2 = x_of(row.end);
        if (row.css != "failure") {
            out += fmt::format(
                R"(<rect class="{}" x="{:.1f}" y="{:.1f}" width="{:.1f}" height="12" rx="2"><title>{}</title></rect>)",
                row.css, x1, y + 4, std::max(2.0, x2 - x1), escape(row.title, 300));
        }
        out += fmt::format(R"(<circle class="dot {}" cx="{:.1f}" cy="{:.1f}" r="{}"/>)", row.css,
                           x2, y + 10, row.css == "failure" ? 6 : 3.5);
        if (row.css == "event" || row.css == "phase") {
            out += fmt::format(
                R"(<text class="tick" x="{:.1f}" y="{:.1f}">{}</text>)", x2 + 7, y + 14,
                row.css == "phase" ? duration(row.end - row.start) : signed_duration(row.end));
        }
    }
    return out + "</svg>";
}

}  // namespace goldenpath::svg
