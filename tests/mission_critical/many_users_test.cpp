// Many users at once on one server double: each journey passes and sees only its own run.
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/fixtures/matchers.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/load_summary.hpp"

namespace goldenpath {
namespace {

using fixtures::FailsWith;
using fixtures::FollowsGoldenPath;

constexpr std::size_t kUsers = 50;

std::vector<JourneyResult> run_users(const std::string& url, std::size_t users) {
    std::vector<JourneyResult> results(users);
    std::vector<std::thread> threads;
    threads.reserve(users);
    for (std::size_t user = 0; user < users; ++user) {
        threads.emplace_back([&, user] {
            JourneyOptions options;
            options.config.url = Url::parse(url);
            options.config.timeouts.completion = Milliseconds(3000);
            options.user = user;
            results[user] = GoldenPathJourney(std::move(options)).run();
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    return results;
}

TEST(ManyUsersTest, FiftyUsersAtOnceEachFollowTheirOwnGoldenPath) {
    AgentServerDouble server;
    const auto results = run_users(server.url(), kUsers);

    std::vector<JourneySample> samples;
    for (const auto& result : results) {
        EXPECT_THAT(result, FollowsGoldenPath());
        samples.push_back(JourneySample::of(result));
    }
    const auto summary = LoadSummary::of(samples);
    EXPECT_EQ(summary.passed, kUsers) << summary.to_string();
    EXPECT_EQ(server.connections().size(), kUsers);
}

TEST(ManyUsersTest, CrossUserLeakIsCaughtAsForeignEvent) {
    // The double answers one connection with another run's event: a cross-user leak.
    AgentServerDoubleOptions options;
    options.script_for = [](const RecordedConnection& connection) {
        auto script = Script::golden_path();
        if (connection.id == 2) {
            script.insert_before_event(
                2, ScriptStep{ScriptStep::Kind::event,
                              {{"type", "agent_thinking"},
                               {"run_id", "run-of-another-user"},
                               {"thread_id", "thread-of-another-user"},
                               {"data", {{"reasoning", "someone else's data"}}}},
                              {},
                              1000,
                              Milliseconds(0)});
        }
        return script;
    };
    AgentServerDouble server(std::move(options));
    const auto results = run_users(server.url(), 3);

    std::size_t leaks = 0;
    for (const auto& result : results) {
        if (result.failure) {
            EXPECT_THAT(result, FailsWith(FailureKind::protocol_violation,
                                          "protocol_violation(foreign_event)"));
            ++leaks;
        }
    }
    EXPECT_EQ(leaks, 1u);
}

}  // namespace
}  // namespace goldenpath
