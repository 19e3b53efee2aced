// goldenpath-server: the agent server double as a standalone process. Prints one flushed line
// `listening ws://127.0.0.1:PORT/ws` (with --tls `listening wss://localhost:PORT/ws ca-file PATH`)
// once ready and serves until SIGINT/SIGTERM, then exits 0.
// The flags and output line are a stable contract (docs/server-double.md).

#include <pthread.h>
#include <signal.h>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli_common.hpp"
#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/config_error.hpp"
#include "goldenpath/protocol_profile.hpp"
#include "goldenpath/script_json.hpp"
#include "goldenpath/shipped_profiles.hpp"

namespace {

constexpr int kExitUsage = 2;

constexpr std::string_view kUsage = R"(usage:
  goldenpath-server [--port N] [--host 127.0.0.1] [--tls] [--token T]... [--script FILE]
                    [--profile FILE|NAME] [--reject-upgrade STATUS]

Serves the goldenpath agent server double: every user message is answered with the
golden path (or the --script), until SIGINT or SIGTERM. The same port answers a WebSocket
upgrade (ws://, wss://) and a POSTed start message with server-sent events (http://, https://).

options:
  --port N               port to listen on (default 0: an ephemeral port)
  --host ADDR            loopback address to bind: 127.0.0.1 (default) or ::1
  --tls                  serve wss:// and https:// with an EC P-256 certificate generated at start
                         (SANs 127.0.0.1, ::1, localhost), signed by a CA whose PEM file
                         is printed after "ca-file" and removed when the server exits
  --token T              accept this token (repeatable); none = no auth
  --script FILE          JSON script: events and indexed faults (docs/server-double.md)
  --profile FILE|NAME    protocol profile JSON, or a shipped name: agent-chat-v1
                         (default), ag-ui
  --reject-upgrade CODE  answer every upgrade with this HTTP status (e.g. 404)
  --help, --version
)";

using goldenpath::cli::UsageError;

goldenpath::AgentServerDoubleOptions parse_args(const std::vector<std::string>& args) {
    goldenpath::AgentServerDoubleOptions options;
    std::optional<std::string> host;
    std::optional<std::string> script_file;
    std::optional<std::string> profile_file;
    std::vector<std::string> tokens;
    CLI::App app;
    goldenpath::cli::configure(app);
    goldenpath::cli::add_integer<std::uint16_t>(app, "--port", options.port, 0, 65535);
    goldenpath::cli::add_text(app, "--host", host);
    app.add_flag("--tls", options.tls);
    goldenpath::cli::add_repeated(app, "--token", tokens);
    goldenpath::cli::add_text(app, "--script", script_file);
    goldenpath::cli::add_text(app, "--profile", profile_file);
    goldenpath::cli::add_integer(app, "--reject-upgrade", options.reject_upgrade_status, 100, 599);
    goldenpath::cli::parse(app, args);
    if (const auto unknown = goldenpath::cli::first_unknown(app)) {
        throw UsageError{fmt::format("unknown flag: {}", *unknown)};
    }
    if (host) {
        if (*host != "127.0.0.1" && *host != "::1" && *host != "localhost") {
            throw UsageError{fmt::format(
                "--host must be a loopback address (127.0.0.1 or ::1), but is \"{}\"", *host)};
        }
        options.host = *host == "localhost" ? "127.0.0.1" : *host;
    }
    for (auto& token : tokens) {
        if (token.empty()) {
            throw UsageError{"--token must not be empty"};
        }
        options.tokens.emplace_back(std::move(token));
    }
    if (profile_file) {
        options.profile = goldenpath::resolve_profile(*profile_file, "--profile");
    }
    // The script is read after the profile so it uses the profile's event names.
    options.script = script_file ? goldenpath::load_script(*script_file, options.profile)
                                 : goldenpath::Script::golden_path(options.profile);
    return options;
}

// The ready line of docs/server-double.md. With TLS the URL names localhost (a DNS SAN of the
// certificate, so clients check the name the way they would in staging) when bound to 127.0.0.1.
std::string listening_line(const goldenpath::AgentServerDouble& server) {
    const std::string url = server.url();
    if (server.ca_file().empty()) {
        return "listening " + url;
    }
    constexpr std::string_view loopback = "wss://127.0.0.1:";
    const std::string shown =
        url.starts_with(loopback) ? "wss://localhost:" + url.substr(loopback.size()) : url;
    return "listening " + shown + " ca-file " + server.ca_file().string();
}

}  // namespace

int main(int argc, char** argv) {
    // Block the stop signals first: before the server starts its thread (so only sigwait sees
    // them), and before any file is written (a stop during start-up still removes the CA file).
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    goldenpath::AgentServerDoubleOptions options;
    try {
        const std::vector<std::string> args(argv + 1, argv + argc);
        if (const auto exit_code =
                goldenpath::cli::help_or_version(args, "goldenpath-server", kUsage)) {
            return *exit_code;
        }
        options = parse_args(args);
    } catch (const UsageError& error) {
        std::cerr << "goldenpath-server: " << error.message << "\n(see goldenpath-server --help)\n";
        return kExitUsage;
    } catch (const goldenpath::ConfigError& error) {
        std::cerr << "goldenpath-server: " << error.what() << "\n";
        return kExitUsage;
    } catch (const std::exception& error) {
        std::cerr << "goldenpath-server: invalid configuration: " << error.what() << "\n";
        return kExitUsage;
    } catch (...) {
        std::cerr << "goldenpath-server: invalid configuration: an exception of unknown type\n";
        return kExitUsage;
    }

    try {
        goldenpath::AgentServerDouble server(std::move(options));
        std::cout << listening_line(server) << std::endl;
        int received = 0;
        sigwait(&stop_signals, &received);
        server.stop();
    } catch (const std::exception& error) {
        std::cerr << "goldenpath-server: " << error.what() << "\n";
        return kExitUsage;
    } catch (...) {
        std::cerr << "goldenpath-server: an exception of unknown type\n";
        return kExitUsage;
    }
    return 0;
}
