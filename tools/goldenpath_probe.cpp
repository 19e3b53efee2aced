// goldenpath-probe: runs the golden path against a URL (or the embedded server double), prints the
// timeline and the verdict, and exits 0 (passed), 1 (failed) or 2 (bad usage or config).
// The flags, output and exit codes are a stable contract (docs/staging-and-load.md).

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli_common.hpp"
#include "embedded_descriptors.hpp"
#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/bounded_json.hpp"
#include "goldenpath/config_error.hpp"
#include "goldenpath/endpoint_config.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/html_report.hpp"
#include "goldenpath/load_run.hpp"
#include "goldenpath/load_summary.hpp"
#include "goldenpath/merged_report.hpp"
#include "goldenpath/protocol_profile.hpp"
#include "goldenpath/shipped_profiles.hpp"
#include "goldenpath/user_limits.hpp"
#include "progress_line.hpp"
#include "report_files.hpp"
#include "terminal_style.hpp"

namespace {

using namespace goldenpath;
using cli::ProgressLine;
using cli::Style;

constexpr int kExitPassed = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

constexpr std::string_view kUsage = R"(usage:
  goldenpath-probe (--url URL | --embedded) [options]
  goldenpath-probe merge FILE... [--sla EXPR]... [--html FILE]

Runs the agent golden path (connect, send a user message, receive agent_started,
agent_thinking, tool_executing, tool_completed, agent_completed in order) and prints
the event timeline and the verdict.

options:
  --url URL          ws://, wss://, http:// or https:// endpoint (default: $GOLDENPATH_STAGING_URL)
  --embedded         start the agent server double in-process and probe it
  --token-env VAR    read the token from environment variable VAR
                     (default: GOLDENPATH_TOKEN or GOLDENPATH_TOKEN_FILE)
  --ca-file F        trust the CA certificates in F (wss)
  --insecure         skip TLS certificate verification (reported loudly)
  --profile P        protocol profile: a JSON file, or a shipped profile's name
                     (agent-chat-v1, the default, or ag-ui)
  --timeout-ms N     completion deadline per journey
  --retries N        connection retries per URL (attempts = N + 1)
  --runs N           journeys one after another per user, each on a new connection
  --users N          users at once (1-1000000; each holds a connection, and with
                     --embedded its server end too: bounded by descriptors and memory)
  --ramp-up-ms N     start the users spread evenly over N ms (default 0: all at once)
  --duration-ms N    keep starting journeys until N ms have passed (bounded by --runs)
  --sla EXPR         (p50|p95|p99|max).(connect|first_event|completion)<Nms or success>=P%
  --json FILE        write the report as JSON (mergeable: see merge)
  --html FILE        write a self-contained HTML report (no network)
  --junit FILE       write a JUnit XML report
  --help, --version

merge FILE...        merge --json reports of several machines or shards: the summary is exactly
                     that of one run over all their journeys; --sla is judged on it.

output is coloured when stdout is a terminal and NO_COLOR is unset; load runs longer than 2 s
show a progress line on stderr when it is a terminal.

exit status: 0 every journey followed the golden path and every SLA held,
             1 one did not, 2 bad usage or configuration.
environment: GOLDENPATH_STAGING_URL, GOLDENPATH_FALLBACK_URLS, GOLDENPATH_TOKEN,
             GOLDENPATH_TOKEN_FILE, GOLDENPATH_CA_FILE, GOLDENPATH_ENV, GOLDENPATH_USERS,
             GOLDENPATH_TIMEOUT_MS, GOLDENPATH_SLA, GOLDENPATH_PROFILE
)";

using cli::UsageError;

struct ProbeArgs {
    std::optional<std::string> url;
    bool embedded = false;
    std::optional<std::string> token_env;
    std::optional<std::string> ca_file;
    bool insecure = false;
    std::optional<std::string> profile;
    std::optional<std::string> timeout_ms;
    std::optional<int> retries;
    std::size_t runs = 1;
    std::optional<std::string> users;
    long long duration_ms = 0;
    long long ramp_up_ms = 0;
    std::vector<std::string> slas;
    std::optional<std::string> json_file;
    std::optional<std::string> junit_file;
    std::optional<std::string> html_file;
    bool merge = false;
    std::vector<std::string> merge_files;
};

// The flags that mirror a GOLDENPATH_* variable override it (docs/staging-and-load.md); the
// library validates them, so they stay text here.
struct MirroredFlag {
    std::string_view flag;
    std::optional<std::string> ProbeArgs::*member;
    std::string_view variable;
};

constexpr MirroredFlag kMirroredFlags[] = {
    {"--url", &ProbeArgs::url, "GOLDENPATH_STAGING_URL"},
    {"--ca-file", &ProbeArgs::ca_file, "GOLDENPATH_CA_FILE"},
    {"--profile", &ProbeArgs::profile, "GOLDENPATH_PROFILE"},
    {"--timeout-ms", &ProbeArgs::timeout_ms, "GOLDENPATH_TIMEOUT_MS"},
    {"--users", &ProbeArgs::users, "GOLDENPATH_USERS"},
};

ProbeArgs parse_args(const std::vector<std::string>& args) {
    ProbeArgs parsed;
    CLI::App app;
    cli::configure(app);
    for (const auto& flag : kMirroredFlags) {
        cli::add_text(app, std::string(flag.flag), parsed.*(flag.member));
    }
    const auto* embedded = app.add_flag("--embedded", parsed.embedded);
    app.add_flag("--insecure", parsed.insecure);
    cli::add_text(app, "--token-env", parsed.token_env);
    cli::add_integer(app, "--retries", parsed.retries, 0, 100);
    cli::add_integer<std::size_t>(app, "--runs", parsed.runs, 1, 1000000);
    cli::add_integer(app, "--duration-ms", parsed.duration_ms, 1LL, 86400000LL);
    cli::add_integer(app, "--ramp-up-ms", parsed.ramp_up_ms, 0LL, 86400000LL);
    cli::add_repeated(app, "--sla", parsed.slas);
    cli::add_text(app, "--json", parsed.json_file);
    cli::add_text(app, "--junit", parsed.junit_file);
    cli::add_text(app, "--html", parsed.html_file);

    auto* merge = app.add_subcommand("merge");
    cli::configure(*merge);
    merge->add_option("FILE", parsed.merge_files);
    cli::add_repeated(*merge, "--sla", parsed.slas);
    cli::add_text(*merge, "--html", parsed.html_file);

    cli::parse(app, args);
    parsed.merge = merge->parsed();
    if (parsed.merge) {
        if (const auto unknown = cli::first_unknown(*merge)) {
            throw UsageError{fmt::format("unknown flag for merge: {}", *unknown)};
        }
        // merge is a subcommand only as the first argument; anywhere else it is an unknown word.
        if (!args.empty() && args.front() != "merge") {
            throw UsageError{"unknown flag: merge"};
        }
        if (parsed.merge_files.empty()) {
            throw UsageError{"merge needs at least one report FILE"};
        }
        return parsed;
    }
    if (const auto unknown = cli::first_unknown(app)) {
        throw UsageError{fmt::format("unknown flag: {}", *unknown)};
    }
    if (parsed.url && embedded->count() > 0) {
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
            // The double is in-process on loopback: a developer's proxy must not be in the way.
            if (name == "GOLDENPATH_TOKEN_FILE" || name == "GOLDENPATH_FALLBACK_URLS" ||
                name == "http_proxy" || name == "HTTP_PROXY" || name == "https_proxy" ||
                name == "HTTPS_PROXY") {
                return std::nullopt;
            }
        }
        for (const auto& flag : kMirroredFlags) {
            if (name == flag.variable && args.*(flag.member)) {
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
    for (const auto& flag : kMirroredFlags) {
        if (variable == flag.variable && args.*(flag.member)) {
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

std::vector<SlaExpression> parse_slas(const std::vector<std::string>& texts,
                                      std::string_view field) {
    std::vector<SlaExpression> slas;
    slas.reserve(texts.size());
    for (const auto& text : texts) {
        slas.push_back(SlaExpression::parse(text, field));
    }
    return slas;
}

int report_slas(const std::vector<SlaResult>& results, const LoadSummary& summary,
                const Style& style) {
    int exit_code = kExitPassed;
    for (const auto& result : results) {
        std::cout << style.lines(result.to_string(summary) + "\n");
        if (!result.held) {
            exit_code = kExitFailed;
        }
    }
    return exit_code;
}

int run_merge(const ProbeArgs& args) {
    const auto slas = parse_slas(args.slas, "--sla");
    std::vector<NamedReport> reports;
    for (const auto& file : args.merge_files) {
        std::ifstream in(file);
        if (!in) {
            throw UsageError{fmt::format("merge: cannot read \"{}\"", file)};
        }
        std::ostringstream content;
        content << in.rdbuf();
        if (in.bad()) {
            throw UsageError{fmt::format("merge: cannot read \"{}\"", file)};
        }
        auto json = parse_json_config(content.view(), file, "goldenpath.report");
        if (!json.is_object()) {
            throw UsageError{fmt::format(
                "merge: \"{}\" must be a goldenpath-probe --json report (a JSON object)", file)};
        }
        reports.push_back(NamedReport{file, std::move(json)});
    }
    const auto summary = merge_reports(reports);
    const Style style = Style::for_stdout();
    std::cout << style.lines(summary.to_string());
    const auto sla_results = evaluate_slas(slas, summary);
    const int sla_exit = report_slas(sla_results, summary, style);
    if (args.html_file) {
        cli::write_report_file(
            *args.html_file,
            html_report(merged_report_json(std::move(reports), summary, sla_results),
                        {.title = "goldenpath merged report"}),
            "--html");
    }
    const bool all_passed = summary.passed == summary.journeys && summary.journeys > 0;
    return all_passed && sla_exit == kExitPassed ? kExitPassed : kExitFailed;
}

// Which flag (or variable) a LoadRun ConfigError's field came from.
std::string flag_for_load_field(std::string_view field, const ProbeArgs& args) {
    if (field == "/users") {
        return flag_for("GOLDENPATH_USERS", args);
    }
    if (field == "/ramp_up_ms") {
        return "--ramp-up-ms";
    }
    if (field == "/duration_ms") {
        return "--duration-ms";
    }
    if (field == "/runs_per_user") {
        return "--runs";
    }
    if (field.starts_with("/sla")) {
        return args.slas.empty() ? "GOLDENPATH_SLA" : "--sla";
    }
    return std::string(field);
}

int run_probe(const ProbeArgs& args) {
    // --embedded starts the double first; then both modes read the same GOLDENPATH_* variables
    // with the flags laid over them, so one code path validates everything.
    std::unique_ptr<AgentServerDouble> server;
    std::optional<EmbeddedEndpoint> embedded;
    EndpointConfig config;
    LoadSettings load;
    ProtocolProfile profile = default_profile();
    try {
        const auto base = overlay(process_environment(), args, std::nullopt);
        if (args.embedded) {
            if (const auto path = base("GOLDENPATH_PROFILE")) {
                profile = resolve_profile(*path, "GOLDENPATH_PROFILE");
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
        try {
            config = EndpointConfig::from_environment(env);
        } catch (const ConfigError& error) {
            // Under --embedded the URL is the double's, made of the profile's path: blame that.
            if (!embedded || error.field() != "GOLDENPATH_STAGING_URL") {
                throw;
            }
            throw UsageError{fmt::format(
                "--profile: [goldenpath.profile] ({}: /path) must be a URL path (a '/' first; no "
                "whitespace, control characters or '#'), but is {}",
                base("GOLDENPATH_PROFILE").value_or("profile"),
                nlohmann::json(profile.path)
                    .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))};
        }
        if (config.profile_path) {
            profile = resolve_profile(config.profile_path->string(), "GOLDENPATH_PROFILE");
        }
        if (args.token_env && !embedded) {
            const auto token = process_environment()(*args.token_env);
            if (!token || token->empty()) {
                throw UsageError{fmt::format("--token-env: environment variable {} is not set",
                                             *args.token_env)};
            }
            config.tokens = {Secret(*token)};
        }
        load = LoadSettings::from_environment(env, config);
        config.insecure_skip_verify = args.insecure;
        if (args.retries) {
            config.retry.max_attempts = *args.retries + 1;
        }
        if (embedded) {
            if (auto problem = cli::check_embedded_descriptors(load.users); !problem.empty()) {
                throw UsageError{std::move(problem)};
            }
        }
    } catch (const ConfigError& error) {
        // A profile's errors name the file and the key themselves; say which flag gave it.
        const std::string source = error.id() == "goldenpath.profile"
                                       ? flag_for("GOLDENPATH_PROFILE", args)
                                       : flag_for(error.field(), args);
        std::cerr << "goldenpath-probe: " << source << ": " << error.what() << "\n";
        return kExitUsage;
    }
    const auto runs = args.runs;
    const auto duration = Milliseconds(args.duration_ms);
    const auto ramp_up = Milliseconds(args.ramp_up_ms);
    if (config.insecure_skip_verify) {
        std::cerr << "goldenpath-probe: WARNING: --insecure: TLS certificates are NOT verified\n";
    }

    // Each user runs its journeys one after another; users run at once, started over the ramp-up.
    // Bounded by --runs and, when given, --duration-ms.
    LoadRunOptions options;
    static_cast<LoadSettings&>(options) = load;
    options.config = config;
    options.profile = profile;
    options.runs_per_user = runs;
    options.ramp_up = ramp_up;
    if (duration.count() > 0) {
        options.duration = duration;
    }
    ProgressLine progress(runs * load.users > 1 && isatty(STDERR_FILENO) == 1);
    options.on_progress = [&progress](const LoadProgress& now) { progress.update(now); };
    std::optional<LoadRun> load_run;
    try {
        load_run.emplace(std::move(options));
    } catch (const ConfigError& error) {
        std::cerr << "goldenpath-probe: " << flag_for_load_field(error.field(), args) << ": "
                  << error.what() << "\n";
        return kExitUsage;
    }
    const LoadReport report = load_run->run();
    progress.stop();

    const Style style = Style::for_stdout();
    const auto& summary = report.summary;
    if (report.journeys.size() == 1) {
        std::cout << style.lines(report.journeys.front().result.to_string());
    } else {
        for (std::size_t i = 0; i < report.journeys.size(); ++i) {
            const auto& result = report.journeys[i].result;
            if (result.failure) {
                const auto label = result.failure->kind_label();
                auto text = result.failure->to_string();
                if (text.starts_with(label)) {
                    text = style.kind(label) + text.substr(label.size());
                }
                std::cout << fmt::format("journey {}: {} {}\n", i, style.fail("FAIL"), text);
            } else {
                std::cout << fmt::format("journey {}: {} completion {:.1f} ms\n", i,
                                         style.pass("PASS"),
                                         result.timings.completion_ms.value_or(0));
            }
        }
        std::cout << style.lines(summary.to_string());
        if (report.isolation.count > 0) {
            std::cout << style.lines(report.isolation.to_string() + "\n");
        }
        const bool all = summary.passed == summary.journeys;
        std::cout << style.lines(
            fmt::format("verdict: {} {} of {} journeys followed the golden path\n",
                        all ? "PASS" : "FAIL", summary.passed, summary.journeys));
    }
    const int sla_exit = report_slas(report.slas, summary, style);
    std::cout.flush();

    if (args.json_file) {
        cli::write_report_file(
            *args.json_file,
            report.to_json().dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
            "--json");
    }
    if (args.junit_file) {
        std::vector<JourneyResult> results;
        for (const auto& journey : report.journeys) {
            results.push_back(journey.result);
        }
        cli::write_report_file(*args.junit_file, cli::junit_xml(results), "--junit");
    }
    if (args.html_file) {
        cli::write_report_file(*args.html_file, html_report(report.to_json()), "--html");
    }
    const bool all_passed =
        summary.passed == summary.journeys && summary.journeys > 0 && report.isolation.count == 0;
    return all_passed && sla_exit == kExitPassed ? kExitPassed : kExitFailed;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::vector<std::string> args(argv + 1, argv + argc);
        if (const auto exit_code =
                goldenpath::cli::help_or_version(args, "goldenpath-probe", kUsage)) {
            return *exit_code;
        }
        const ProbeArgs parsed = parse_args(args);
        return parsed.merge ? run_merge(parsed) : run_probe(parsed);
    } catch (const UsageError& error) {
        std::cerr << "goldenpath-probe: " << error.message << "\n(see goldenpath-probe --help)\n";
        return kExitUsage;
    } catch (const ConfigError& error) {
        std::cerr << "goldenpath-probe: " << error.what() << "\n";
        return kExitUsage;
    } catch (const cli::ReportFileError& error) {
        std::cerr << "goldenpath-probe: " << error.what() << "\n";
        return kExitUsage;
    } catch (const std::exception& error) {
        // A harness bug, never an abort: the message and exit 2.
        std::cerr << "goldenpath-probe: internal error: " << error.what() << "\n";
        return kExitUsage;
    } catch (...) {
        std::cerr << "goldenpath-probe: internal error: an exception of unknown type\n";
        return kExitUsage;
    }
}
