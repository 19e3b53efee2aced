// goldenpath-probe: runs the golden path against a URL (or the embedded server double), prints the
// timeline and the verdict, and exits 0 (passed), 1 (failed) or 2 (bad usage or config).
// The flags, output and exit codes are a stable contract (DESIGN.md §8).

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_common.hpp"
#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/config_error.hpp"
#include "goldenpath/endpoint_config.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/load_summary.hpp"
#include "goldenpath/protocol_profile.hpp"

namespace {

using namespace goldenpath;

constexpr int kExitPassed = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kReportSchemaVersion = 1;

constexpr std::string_view kUsage = R"(usage:
  goldenpath-probe (--url URL | --embedded) [options]
  goldenpath-probe merge FILE... [--sla EXPR]...

Runs the agent golden path (connect, send a user message, receive agent_started,
agent_thinking, tool_executing, tool_completed, agent_completed in order) and prints
the event timeline and the verdict.

options:
  --url URL          ws:// or wss:// endpoint (default: $GOLDENPATH_STAGING_URL)
  --embedded         start the agent server double in-process and probe it
  --token-env VAR    read the token from environment variable VAR
                     (default: GOLDENPATH_TOKEN or GOLDENPATH_TOKEN_FILE)
  --ca-file F        trust the CA certificates in F (wss)
  --insecure         skip TLS certificate verification (reported loudly)
  --profile FILE     protocol profile JSON (default: agent-chat-v1)
  --timeout-ms N     completion deadline per journey
  --retries N        connection retries per URL (attempts = N + 1)
  --runs N           journeys one after another per user, each on a new connection
  --users N          users at once
  --duration-ms N    keep starting journeys until N ms have passed (bounded by --runs)
  --sla EXPR         (p50|p95|p99|max).(connect|first_event|completion)<Nms or success>=P%
  --json FILE        write the report as JSON
  --junit FILE       write a JUnit XML report
  --help, --version

exit status: 0 every journey followed the golden path and every SLA held,
             1 one did not, 2 bad usage or configuration.
environment: GOLDENPATH_STAGING_URL, GOLDENPATH_FALLBACK_URLS, GOLDENPATH_TOKEN,
             GOLDENPATH_TOKEN_FILE, GOLDENPATH_CA_FILE, GOLDENPATH_ENV, GOLDENPATH_USERS,
             GOLDENPATH_TIMEOUT_MS, GOLDENPATH_SLA, GOLDENPATH_PROFILE
)";

struct UsageError {
    std::string message;
};

struct ProbeArgs {
    std::optional<std::string> url;
    bool embedded = false;
    std::optional<std::string> token_env;
    std::optional<std::string> ca_file;
    bool insecure = false;
    std::optional<std::string> profile;
    std::optional<std::string> timeout_ms;
    std::optional<std::string> retries;
    std::optional<std::string> runs;
    std::optional<std::string> users;
    std::optional<std::string> duration_ms;
    std::vector<std::string> slas;
    std::optional<std::string> json_file;
    std::optional<std::string> junit_file;
    bool merge = false;
    std::vector<std::string> merge_files;
};

// Flags that take a value; those that mirror a GOLDENPATH_* variable override it (DESIGN.md §8).
struct ValueFlag {
    std::string_view flag;
    std::optional<std::string> ProbeArgs::*member;
    std::string_view variable;  // empty when no variable mirrors the flag
};

constexpr ValueFlag kValueFlags[] = {
    {"--url", &ProbeArgs::url, "GOLDENPATH_STAGING_URL"},
    {"--token-env", &ProbeArgs::token_env, ""},
    {"--ca-file", &ProbeArgs::ca_file, "GOLDENPATH_CA_FILE"},
    {"--profile", &ProbeArgs::profile, "GOLDENPATH_PROFILE"},
    {"--timeout-ms", &ProbeArgs::timeout_ms, "GOLDENPATH_TIMEOUT_MS"},
    {"--retries", &ProbeArgs::retries, ""},
    {"--runs", &ProbeArgs::runs, ""},
    {"--users", &ProbeArgs::users, "GOLDENPATH_USERS"},
    {"--duration-ms", &ProbeArgs::duration_ms, ""},
    {"--json", &ProbeArgs::json_file, ""},
    {"--junit", &ProbeArgs::junit_file, ""},
};

long long parse_count(const std::optional<std::string>& text, std::string_view flag, long long min,
                      long long max, long long fallback) {
    if (!text) {
        return fallback;
    }
    long long value = 0;
    const auto* end = text->data() + text->size();
    const auto [ptr, ec] = std::from_chars(text->data(), end, value);
    if (ec != std::errc() || ptr != end || text->empty() || value < min || value > max) {
        throw UsageError{
            fmt::format("{} must be an integer {}-{}, but is \"{}\"", flag, min, max, *text)};
    }
    return value;
}

ProbeArgs parse_args(const std::vector<std::string_view>& args) {
    ProbeArgs parsed;
    std::size_t i = 0;
    if (!args.empty() && args[0] == "merge") {
        parsed.merge = true;
        i = 1;
    }
    const auto value = [&](std::string_view flag) -> std::string {
        if (i + 1 >= args.size()) {
            throw UsageError{fmt::format("{} needs a value", flag)};
        }
        return std::string(args[++i]);
    };
    for (; i < args.size(); ++i) {
        const std::string_view arg = args[i];
        if (arg == "--sla") {
            parsed.slas.push_back(value(arg));
        } else if (parsed.merge && !arg.starts_with("--")) {
            parsed.merge_files.emplace_back(arg);
        } else if (parsed.merge) {
            throw UsageError{fmt::format("unknown flag for merge: {}", arg)};
        } else if (arg == "--embedded") {
            parsed.embedded = true;
        } else if (arg == "--insecure") {
            parsed.insecure = true;
        } else if (const auto* flag = std::find_if(
                       std::begin(kValueFlags), std::end(kValueFlags),
                       [&](const ValueFlag& candidate) { return candidate.flag == arg; });
                   flag != std::end(kValueFlags)) {
            parsed.*(flag->member) = value(arg);
        } else {
            throw UsageError{fmt::format("unknown flag: {}", arg)};
        }
    }
    if (parsed.merge && parsed.merge_files.empty()) {
        throw UsageError{"merge needs at least one report FILE"};
    }
    if (!parsed.merge && parsed.url && parsed.embedded) {
        throw UsageError{"--url and --embedded exclude each other"};
    }
    return parsed;
}

// Environment with the flags that mirror variables laid over it, so one code path validates both.
// With --embedded, `embedded` holds the double's URL and token in place of the user's endpoint.
struct EmbeddedEndpoint {
    std::string url;
    std::string token;
};

EnvironmentLookup overlay(EnvironmentLookup env, const ProbeArgs& args,
                          std::optional<EmbeddedEndpoint> embedded) {
    return [env = std::move(env), args,
            embedded = std::move(embedded)](std::string_view name) -> std::optional<std::string> {
        if (embedded) {
            if (name == "GOLDENPATH_STAGING_URL") {
                return embedded->url;
            }
            if (name == "GOLDENPATH_TOKEN") {
                return embedded->token;
            }
            if (name == "GOLDENPATH_TOKEN_FILE" || name == "GOLDENPATH_FALLBACK_URLS") {
                return std::nullopt;
            }
        }
        for (const auto& flag : kValueFlags) {
            if (!flag.variable.empty() && name == flag.variable && args.*(flag.member)) {
                return args.*(flag.member);
            }
        }
        if (name == "GOLDENPATH_SLA" && !args.slas.empty()) {
            std::string joined;
            for (const auto& sla : args.slas) {
                joined += (joined.empty() ? "" : ";") + sla;
            }
            return joined;
        }
        if ((name == "GOLDENPATH_TOKEN" || name == "GOLDENPATH_TOKEN_FILE") && args.token_env) {
            return std::nullopt;  // --token-env replaces both
        }
        return env(name);
    };
}

// The flag a ConfigError's variable came from, when a flag set it; else the variable itself.
std::string flag_for(std::string_view variable, const ProbeArgs& args) {
    for (const auto& flag : kValueFlags) {
        if (!flag.variable.empty() && variable == flag.variable && args.*(flag.member)) {
            return std::string(flag.flag);
        }
    }
    if (variable == "GOLDENPATH_SLA" && !args.slas.empty()) {
        return "--sla";
    }
    return std::string(variable);
}

std::string random_token() {
    std::random_device device;
    return fmt::format("embedded-{:08x}{:08x}", device(), device());
}

std::string xml_escape(std::string_view text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

void write_file(const std::string& path, const std::string& content, std::string_view flag) {
    std::ofstream out(path);
    out << content;
    if (!out) {
        throw UsageError{fmt::format("{}: cannot write \"{}\"", flag, path)};
    }
}

std::string junit_xml(const std::vector<JourneyResult>& results) {
    std::size_t failures = 0;
    std::string cases;
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& result = results[i];
        const double seconds = result.timings.completion_ms.value_or(0) / 1000.0;
        cases += fmt::format(
            R"(    <testcase classname="goldenpath.probe" name="journey_{}" time="{:.6f}">)", i,
            seconds);
        if (result.failure) {
            ++failures;
            cases += fmt::format(R"(<failure message="{}">{}</failure>)",
                                 xml_escape(result.failure->kind_label()),
                                 xml_escape(result.to_string()));
        }
        cases += "</testcase>\n";
    }
    return fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites>\n  <testsuite name=\"goldenpath-probe\" tests=\"{}\" failures=\"{}\">\n{}"
        "  </testsuite>\n</testsuites>\n",
        results.size(), failures, cases);
}

std::vector<SlaExpression> parse_slas(const std::vector<std::string>& texts,
                                      std::string_view field) {
    std::vector<SlaExpression> slas;
    for (const auto& text : texts) {
        slas.push_back(SlaExpression::parse(text, field));
    }
    return slas;
}

int report_slas(const std::vector<SlaExpression>& slas, const LoadSummary& summary) {
    int exit_code = kExitPassed;
    for (const auto& result : evaluate_slas(slas, summary)) {
        std::cout << result.to_string(summary) << "\n";
        if (!result.held) {
            exit_code = kExitFailed;
        }
    }
    return exit_code;
}

int run_merge(const ProbeArgs& args) {
    std::vector<JourneySample> samples;
    for (const auto& file : args.merge_files) {
        std::ifstream in(file);
        auto json = nlohmann::json::parse(in, nullptr, false);
        if (!in.good() && !in.eof()) {
            throw UsageError{fmt::format("merge: cannot read \"{}\"", file)};
        }
        if (json.is_discarded() || !json.is_object() || !json.contains("samples") ||
            !json["samples"].is_array()) {
            throw UsageError{fmt::format(
                "merge: \"{}\" must be a goldenpath-probe --json report with \"samples\"", file)};
        }
        for (const auto& sample : json["samples"]) {
            JourneySample parsed;
            parsed.passed = sample.value("passed", false);
            const auto ms = [&](const char* key) -> std::optional<double> {
                return sample.contains(key) && sample[key].is_number()
                           ? std::optional<double>(sample[key].get<double>())
                           : std::nullopt;
            };
            parsed.connect_ms = ms("connect_ms");
            parsed.first_event_ms = ms("first_event_ms");
            parsed.completion_ms = ms("completion_ms");
            parsed.failure_label = sample.value("failure", "");
            samples.push_back(std::move(parsed));
        }
    }
    const auto summary = LoadSummary::of(samples);
    std::cout << summary.to_string();
    const auto slas = parse_slas(args.slas, "--sla");
    const int sla_exit = report_slas(slas, summary);
    const bool all_passed = summary.passed == summary.journeys && summary.journeys > 0;
    return all_passed && sla_exit == kExitPassed ? kExitPassed : kExitFailed;
}

nlohmann::json sample_json(const JourneySample& sample) {
    const auto ms = [](const std::optional<double>& v) {
        return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    return {{"passed", sample.passed},
            {"connect_ms", ms(sample.connect_ms)},
            {"first_event_ms", ms(sample.first_event_ms)},
            {"completion_ms", ms(sample.completion_ms)},
            {"failure", sample.failure_label}};
}

int run_probe(const ProbeArgs& args) {
    // --embedded starts the double first; then both modes read the same GOLDENPATH_* variables
    // with the flags laid over them, so one code path validates everything.
    std::unique_ptr<AgentServerDouble> server;
    std::optional<EmbeddedEndpoint> embedded;
    EndpointConfig config;
    ProtocolProfile profile = default_profile();
    std::vector<SlaExpression> slas;
    try {
        const auto base = overlay(process_environment(), args, std::nullopt);
        if (args.embedded) {
            if (const auto path = base("GOLDENPATH_PROFILE")) {
                profile = load_profile(*path);
            }
            std::string token = random_token();
            AgentServerDoubleOptions options;
            options.profile = profile;
            options.tokens = {token};
            server = std::make_unique<AgentServerDouble>(std::move(options));
            embedded = EmbeddedEndpoint{server->url(), std::move(token)};
        }
        const EnvironmentLookup env = overlay(process_environment(), args, embedded);
        if (!EndpointConfig::staging_configured(env)) {
            throw UsageError{
                "one of --url URL or --embedded is required "
                "(or set GOLDENPATH_STAGING_URL)"};
        }
        config = EndpointConfig::from_environment(env);
        if (config.profile_path) {
            profile = load_profile(*config.profile_path);
        }
        if (args.token_env && !embedded) {
            const auto token = process_environment()(*args.token_env);
            if (!token || token->empty()) {
                throw UsageError{fmt::format("--token-env: environment variable {} is not set",
                                             *args.token_env)};
            }
            config.tokens = {Secret(*token)};
        }
        config.insecure_skip_verify = args.insecure;
        if (args.retries) {
            config.retry.max_attempts =
                static_cast<int>(parse_count(args.retries, "--retries", 0, 100, 0)) + 1;
        }
        slas = parse_slas(config.sla, args.slas.empty() ? "GOLDENPATH_SLA" : "--sla");
    } catch (const ConfigError& error) {
        std::cerr << "goldenpath-probe: " << flag_for(error.field(), args) << ": " << error.what()
                  << "\n";
        return kExitUsage;
    }
    const auto runs = static_cast<std::size_t>(parse_count(args.runs, "--runs", 1, 1000000, 1));
    const auto users = static_cast<std::size_t>(config.users);
    const auto duration =
        Milliseconds(parse_count(args.duration_ms, "--duration-ms", 1, 86400000, 0));
    if (config.insecure_skip_verify) {
        std::cerr << "goldenpath-probe: WARNING: --insecure: TLS certificates are NOT verified\n";
    }

    // Each user runs its journeys one after another; users run at once. Bounded by --runs and,
    // when given, --duration-ms.
    const auto started = Clock::now();
    std::vector<std::vector<JourneyResult>> per_user(users);
    std::vector<std::thread> threads;
    threads.reserve(users);
    for (std::size_t user = 0; user < users; ++user) {
        threads.emplace_back([&, user] {
            for (std::size_t run = 0; run < runs; ++run) {
                if (duration.count() > 0 && run > 0 && Clock::now() - started >= duration) {
                    break;
                }
                JourneyOptions options;
                options.config = config;
                options.profile = profile;
                options.user = user;
                per_user[user].push_back(GoldenPathJourney(std::move(options)).run());
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    std::vector<JourneyResult> results;
    for (auto& list : per_user) {
        for (auto& result : list) {
            results.push_back(std::move(result));
        }
    }

    std::vector<JourneySample> samples;
    for (const auto& result : results) {
        samples.push_back(JourneySample::of(result));
    }
    const auto summary = LoadSummary::of(samples);
    if (results.size() == 1) {
        std::cout << results.front().to_string();
    } else {
        for (std::size_t i = 0; i < results.size(); ++i) {
            const auto& result = results[i];
            if (result.failure) {
                std::cout << fmt::format("journey {}: FAIL {}\n", i, result.failure->to_string());
            } else {
                std::cout << fmt::format("journey {}: PASS completion {:.1f} ms\n", i,
                                         result.timings.completion_ms.value_or(0));
            }
        }
        std::cout << summary.to_string();
        const bool all = summary.passed == summary.journeys;
        std::cout << fmt::format("verdict: {} {} of {} journeys followed the golden path\n",
                                 all ? "PASS" : "FAIL", summary.passed, summary.journeys);
    }
    const int sla_exit = report_slas(slas, summary);
    std::cout.flush();

    if (args.json_file) {
        nlohmann::json report = {{"schema_version", kReportSchemaVersion},
                                 {"summary", summary.to_json()},
                                 {"samples", nlohmann::json::array()},
                                 {"journeys", nlohmann::json::array()}};
        for (const auto& sample : samples) {
            report["samples"].push_back(sample_json(sample));
        }
        for (const auto& result : results) {
            report["journeys"].push_back(result.to_json());
        }
        write_file(*args.json_file, report.dump(2) + "\n", "--json");
    }
    if (args.junit_file) {
        write_file(*args.junit_file, junit_xml(results), "--junit");
    }
    const bool all_passed = summary.passed == summary.journeys && summary.journeys > 0;
    return all_passed && sla_exit == kExitPassed ? kExitPassed : kExitFailed;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string_view> args(argv + 1, argv + argc);
    if (const auto exit_code = goldenpath::cli::help_or_version(args, "goldenpath-probe", kUsage)) {
        return *exit_code;
    }
    try {
        const ProbeArgs parsed = parse_args(args);
        return parsed.merge ? run_merge(parsed) : run_probe(parsed);
    } catch (const UsageError& error) {
        std::cerr << "goldenpath-probe: " << error.message << "\n(see goldenpath-probe --help)\n";
        return kExitUsage;
    } catch (const ConfigError& error) {
        std::cerr << "goldenpath-probe: " << error.what() << "\n";
        return kExitUsage;
    } catch (const std::exception& error) {
        std::cerr << "goldenpath-probe: " << error.what() << "\n";
        return kExitFailed;
    }
}
