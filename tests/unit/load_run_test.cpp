#include "goldenpath/load_run.hpp"

#include <sys/resource.h>

#include <atomic>
#include <mutex>
#include <stdexcept>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/config_error.hpp"
#include "goldenpath/in_memory_client.hpp"
#include "goldenpath/timeout_scale.hpp"

namespace goldenpath {
namespace {

using testing::AllOf;
using testing::HasSubstr;
using testing::Lt;

const Milliseconds kSlack = scaled(Milliseconds{250});

AgentServerDoubleOptions server_with(Script script) {
    AgentServerDoubleOptions server;
    server.tokens = {"tok-load-a", "tok-load-b"};
    server.script = std::move(script);
    return server;
}

LoadRunOptions in_memory_options(std::size_t users, std::size_t runs) {
    LoadRunOptions options;
    options.config.url = Url::parse("ws://127.0.0.1:8080/ws");
    options.config.tokens = {Secret("tok-load-a"), Secret("tok-load-b")};
    options.users = users;
    options.runs_per_user = runs;
    options.client_factory = [](std::size_t) {
        return std::make_unique<InMemoryClient>(server_with(Script::golden_path()));
    };
    return options;
}

template <typename Function>
void expect_config_error(Function&& function, const std::string& field, const std::string& actual,
                         const std::string& requirement) {
    try {
        function();
        ADD_FAILURE() << "expected a ConfigError for " << field << " = " << actual;
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.field(), field);
        EXPECT_EQ(error.actual(), actual);
        EXPECT_THAT(error.what(), HasSubstr(requirement));
    }
}

TEST(LoadRunTest, EveryUserRunsItsJourneysOneAfterAnother) {
    const auto report = LoadRun(in_memory_options(20, 3)).run();

    ASSERT_EQ(report.journeys.size(), 60u);
    for (std::size_t i = 0; i < report.journeys.size(); ++i) {
        EXPECT_EQ(report.journeys[i].user, i / 3);
        EXPECT_EQ(report.journeys[i].run, i % 3);
        EXPECT_TRUE(report.journeys[i].result.passed()) << report.journeys[i].result.to_string();
    }
    EXPECT_EQ(report.summary.journeys, 60u);
    EXPECT_EQ(report.summary.passed, 60u);
    ASSERT_TRUE(report.summary.completion);
    EXPECT_EQ(report.summary.completion->count, 60u);
    EXPECT_EQ(report.isolation.count, 0u);
    EXPECT_TRUE(report.passed());
}

TEST(LoadRunTest, FailuresAreGroupedByKindAndSlasJudged) {
    auto options = in_memory_options(4, 2);
    options.sla = {"success>=90%", "p99.completion<60000ms"};
    options.client_factory = [](std::size_t user) {
        auto server = server_with(Script::golden_path());
        if (user == 1) {
            server.reject_upgrade_status = 503;
        }
        return std::make_unique<InMemoryClient>(std::move(server));
    };

    const auto report = LoadRun(std::move(options)).run();

    EXPECT_EQ(report.summary.journeys, 8u);
    EXPECT_EQ(report.summary.failures_text(), "http_status(503): 2");
    ASSERT_EQ(report.slas.size(), 2u);
    EXPECT_FALSE(report.slas[0].held);
    EXPECT_TRUE(report.slas[1].held);
    EXPECT_FALSE(report.passed());
    EXPECT_THAT(
        report.to_string(),
        AllOf(HasSubstr("failures: http_status(503): 2"),
              HasSubstr("sla success>=90% violated: 75.0% (2 failed: http_status(503): 2)")));
}

TEST(LoadRunTest, EventsOfAnotherUsersRunAreIsolationViolations) {
    auto options = in_memory_options(3, 1);
    options.client_factory = [](std::size_t user) {
        auto script = Script::golden_path();
        if (user == 2) {
            ScriptStep foreign;
            foreign.event = {{"type", "agent_thinking"},
                             {"run_id", "run-of-user-9"},
                             {"thread_id", "thread-of-user-9"},
                             {"data", {{"thought", "not yours"}}}};
            script.insert_before_event(2, foreign);
        }
        return std::make_unique<InMemoryClient>(server_with(std::move(script)));
    };

    const auto report = LoadRun(std::move(options)).run();

    EXPECT_EQ(report.isolation.count, 1u);
    ASSERT_EQ(report.isolation.first.size(), 1u);
    const auto& violation = report.isolation.first[0];
    EXPECT_EQ(violation.user, 2u);
    EXPECT_EQ(violation.run, 0u);
    EXPECT_EQ(violation.run_id, report.journeys[2].result.run_id);
    EXPECT_THAT(violation.message, AllOf(HasSubstr("foreign_event"), HasSubstr("run-of-user-9")));
    EXPECT_THAT(report.isolation.to_string(),
                HasSubstr("isolation: 1 violation; user 2 run 0 (thread thread-2-"));
    EXPECT_THAT(report.to_string(), HasSubstr("isolation: 1 violation"));
    EXPECT_FALSE(report.passed());
    EXPECT_EQ(report.to_json()["isolation"]["count"], 1);
}

TEST(LoadRunTest, ProgressCountsEveryFinishedJourney) {
    auto options = in_memory_options(5, 4);
    std::vector<LoadProgress> seen;
    options.on_progress = [&](const LoadProgress& progress) { seen.push_back(progress); };

    LoadRun(std::move(options)).run();

    ASSERT_EQ(seen.size(), 20u);
    for (std::size_t i = 0; i < seen.size(); ++i) {
        EXPECT_EQ(seen[i].completed, i + 1);
        EXPECT_EQ(seen[i].passed + seen[i].failed, i + 1);
        EXPECT_EQ(seen[i].planned, 20u);
    }
    EXPECT_EQ(seen.back().passed, 20u);
}

TEST(LoadRunTest, RampUpSpreadsUserStartsEvenly) {
    auto options = in_memory_options(4, 1);
    options.ramp_up = std::chrono::milliseconds(200);
    std::mutex mutex;
    std::vector<Clock::time_point> first_connect(4);
    options.client_factory = [&](std::size_t user) {
        {
            std::lock_guard lock(mutex);
            first_connect[user] = Clock::now();
        }
        return std::make_unique<InMemoryClient>(server_with(Script::golden_path()));
    };
    const auto started = Clock::now();

    const auto report = LoadRun(std::move(options)).run();

    EXPECT_TRUE(report.passed());
    for (std::size_t user = 0; user < 4; ++user) {
        const auto expected = std::chrono::milliseconds(50 * user);
        const auto actual = first_connect[user] - started;
        EXPECT_GE(actual, expected) << "user " << user << " started too early";
        EXPECT_LT(actual, expected + kSlack) << "user " << user << " started late";
    }
}

TEST(LoadRunTest, NoJourneyStartsAfterTheDuration) {
    auto options = in_memory_options(2, 100000);
    options.duration = std::chrono::milliseconds(30);
    std::atomic<std::size_t> connections{0};
    options.client_factory = [&](std::size_t) {
        ++connections;
        return std::make_unique<InMemoryClient>(server_with(Script::golden_path()));
    };

    const auto report = LoadRun(std::move(options)).run();

    EXPECT_GT(report.journeys.size(), 0u);
    EXPECT_LT(report.journeys.size(), 200000u);
    EXPECT_EQ(report.journeys.size(), connections.load());
    EXPECT_THAT(report.wall_ms, Lt(30.0 + static_cast<double>(kSlack.count())));
    // The two users' journeys ended interleaved; the report lists them by user, then run.
    ASSERT_FALSE(report.journeys.empty());
    EXPECT_EQ(report.journeys[0].user, 0u);
    EXPECT_EQ(report.journeys[0].run, 0u);
    for (std::size_t i = 1; i < report.journeys.size(); ++i) {
        const auto& before = report.journeys[i - 1];
        const auto& journey = report.journeys[i];
        const bool next_run = journey.user == before.user && journey.run == before.run + 1;
        const bool next_user = journey.user == before.user + 1 && journey.run == 0;
        EXPECT_TRUE(next_run || next_user)
            << "journey " << i << " is user " << journey.user << " run " << journey.run
            << " after user " << before.user << " run " << before.run;
    }
}

TEST(LoadRunTest, UsersWhoseStartFallsAfterTheDurationRunNothing) {
    auto options = in_memory_options(4, 1);
    options.ramp_up = std::chrono::milliseconds(4000);  // user i would start at i seconds
    options.duration = std::chrono::milliseconds(500);

    const auto report = LoadRun(std::move(options)).run();

    ASSERT_EQ(report.journeys.size(), 1u);
    EXPECT_EQ(report.journeys[0].user, 0u);
    EXPECT_LT(
        report.wall_ms,
        static_cast<double>(kSlack.count()));  // nobody waited for a start time past the duration
}

TEST(LoadRunTest, RejectsInvalidOptionsNamingTheField) {
    expect_config_error([] { LoadRun(in_memory_options(0, 1)); }, "/users", "0",
                        "must be an integer 1-1000000");
    expect_config_error([] { LoadRun(in_memory_options(1000001, 1)); }, "/users", "1000001",
                        "must be an integer 1-1000000");
    expect_config_error([] { LoadRun(in_memory_options(1, 0)); }, "/runs_per_user", "0",
                        "must be at least 1");
    expect_config_error(
        [] {
            auto options = in_memory_options(1, 1);
            options.ramp_up = std::chrono::milliseconds(-1);
            LoadRun{std::move(options)};
        },
        "/ramp_up_ms", "-1", "must be 0-86400000");
    expect_config_error(
        [] {
            auto options = in_memory_options(1, 1);
            options.duration = std::chrono::milliseconds(0);
            LoadRun{std::move(options)};
        },
        "/duration_ms", "0", "must be at least 1");
}

TEST(LoadRunTest, ADescriptorHardLimitBelowTheNeedIsAClearError) {
    rlimit limit{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
    if (limit.rlim_max == RLIM_INFINITY) {
        GTEST_SKIP() << "RLIMIT_NOFILE has no hard limit here";
    }
    const auto required = static_cast<std::size_t>(limit.rlim_max) + 1;
    expect_config_error([&] { ensure_descriptor_limit(required, required, "/users"); }, "/users",
                        std::to_string(required - 64), "above the RLIMIT_NOFILE hard limit");
    EXPECT_NO_THROW(ensure_descriptor_limit(16, 16, "/users"));
}

TEST(LoadRunTest, AnExceptionInAUserThreadReachesTheCaller) {
    auto options = in_memory_options(3, 1);
    options.client_factory = [](std::size_t user) -> std::unique_ptr<WebSocketClient> {
        if (user == 1) {
            throw std::runtime_error("client factory failed for user 1");
        }
        return std::make_unique<InMemoryClient>(server_with(Script::golden_path()));
    };
    LoadRun run(std::move(options));
    EXPECT_THROW(run.run(), std::runtime_error);
}

TEST(LoadRunTest, ReportJsonCarriesSchemaVersionAndMergeableSummary) {
    const auto report = LoadRun(in_memory_options(2, 2)).run();
    const auto json = nlohmann::json::parse(report.to_json().dump());

    EXPECT_EQ(json["schema_version"], kLoadReportSchemaVersion);
    EXPECT_EQ(json["journeys"].size(), 4u);
    EXPECT_EQ(json["journeys"][3]["user"], 1);
    EXPECT_EQ(json["journeys"][3]["run"], 1);
    EXPECT_TRUE(LoadSummary::from_report_json(json) == report.summary);
    EXPECT_EQ(json.dump().find("tok-load"), std::string::npos) << "a token leaked into the JSON";
}

}  // namespace
}  // namespace goldenpath

namespace goldenpath {
namespace {

TEST(LoadRunTest, MoreUsersThanTokensSaySoInTheOutputAndTheReport) {
    const auto report = LoadRun(in_memory_options(5, 1)).run();  // 2 tokens
    ASSERT_TRUE(report.passed()) << report.to_string();
    EXPECT_TRUE(report.accounts_shared());
    EXPECT_THAT(report.to_string(),
                HasSubstr("accounts: 5 users share 2 tokens (user i uses token i mod 2)"));
    const auto json = report.to_json();
    EXPECT_EQ(json["accounts"]["users"], 5);
    EXPECT_EQ(json["accounts"]["tokens"], 2);
    EXPECT_EQ(json["accounts"]["shared"], true);
}

TEST(LoadRunTest, AsManyTokensAsUsersSharesNoAccount) {
    const auto report = LoadRun(in_memory_options(2, 1)).run();
    EXPECT_FALSE(report.accounts_shared());
    EXPECT_THAT(report.to_string(), testing::Not(HasSubstr("accounts:")));
    EXPECT_EQ(report.to_json()["accounts"]["shared"], false);
}

}  // namespace
}  // namespace goldenpath
