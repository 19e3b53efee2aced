// Tokens never appear in anything a journey reports, whatever goes wrong (docs/wire-contract.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/fixtures/journey_report.hpp"
#include "goldenpath/golden_path_journey.hpp"

namespace goldenpath {
namespace {

using testing::HasSubstr;
using testing::Not;

constexpr const char* kToken = "tok-sweep-4b1d9e77c2";

struct Scenario {
    const char* name;
    AgentServerDoubleOptions server;
    AuthMethod method;
};

std::vector<Scenario> scenarios() {
    std::vector<Scenario> list;
    const auto add = [&](const char* name, auto configure) {
        for (const AuthMethod method :
             {AuthMethod::header, AuthMethod::subprotocol, AuthMethod::query}) {
            AgentServerDoubleOptions server;
            server.tokens = {kToken};
            configure(server);
            list.push_back({name, server, method});
        }
    };
    add("passes", [](AgentServerDoubleOptions&) {});
    add("token rejected", [](AgentServerDoubleOptions& s) { s.tokens = {"another-token"}; });
    add("404 echoing the request", [](AgentServerDoubleOptions& s) {
        s.reject_upgrade_status = 404;
        s.reject_upgrade_body = std::string("no route for token ") + kToken;
    });
    add("close mid-run", [](AgentServerDoubleOptions& s) {
        s.script = Script::golden_path().insert_before_event(
            2,
            ScriptStep{
                ScriptStep::Kind::close, {}, std::string("bad ") + kToken, 1011, Milliseconds(0)});
    });
    add("malformed frame", [](AgentServerDoubleOptions& s) {
        s.script = Script::golden_path().insert_before_event(
            1, ScriptStep{ScriptStep::Kind::send_raw, {}, "{broken", 1000, Milliseconds(0)});
    });
    add("stall", [](AgentServerDoubleOptions& s) {
        s.script = Script::golden_path().insert_before_event(
            3, ScriptStep{ScriptStep::Kind::stall, {}, {}, 1000, Milliseconds(0)});
    });
    return list;
}

// Everything a journey exposes for people and machines.
std::string everything_reported(const JourneyResult& result) {
    std::string text = result.to_string() + result.to_json().dump() + result.url;
    if (result.failure) {
        text += result.failure->to_string() + result.failure->kind_label() + result.failure->url +
                result.failure->detail + result.failure->body_excerpt +
                result.failure->close_reason + result.failure->message;
        for (const auto& attempt : result.failure->attempts) {
            text += attempt.url + attempt.detail + attempt.kind_label;
        }
    }
    return text;
}

TEST(SecretSweepTest, NoReportOfAnyJourneyContainsTheToken) {
    const auto all = scenarios();
    for (std::size_t i = 0; i < all.size(); ++i) {
        const auto& scenario = all[i];
        SCOPED_TRACE(scenario.name);
        AgentServerDouble server(scenario.server);
        JourneyOptions options;
        options.config.url = Url::parse(server.url());
        options.config.tokens = {Secret(kToken)};
        options.config.timeouts.max_gap = Milliseconds(100);
        options.profile.auth_methods = {scenario.method};
        const auto result = GoldenPathJourney(std::move(options)).run();
        // .ci/run sweeps the XML output for the token.
        fixtures::RecordJourney(result, "goldenpath.scenario" + std::to_string(i));

        EXPECT_THAT(everything_reported(result), Not(HasSubstr(kToken)));
        // The token did reach the server: the sweep is not vacuous.
        const auto connections = server.connections();
        ASSERT_FALSE(connections.empty());
        const auto& seen = connections[0];
        std::string sent = seen.target + seen.header("Authorization");
        for (const auto& entry : seen.offered_subprotocols) {
            sent += entry;
        }
        EXPECT_THAT(sent, HasSubstr(kToken));
    }
}

}  // namespace
}  // namespace goldenpath
