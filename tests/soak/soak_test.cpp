// Load and resource hygiene on loopback. Each loop is bounded in count and time.
#include <dirent.h>
#include <malloc.h>
#include <sys/resource.h>

#include <fstream>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/agent_server_double.hpp"
#include "goldenpath/fixtures/journey_report.hpp"
#include "goldenpath/golden_path_journey.hpp"
#include "goldenpath/load_summary.hpp"

namespace goldenpath {
namespace {

constexpr std::size_t kUsers = 1000;
constexpr std::size_t kJourneys = 10000;
constexpr auto kTimeBound = std::chrono::seconds(120);

// Two sockets per connection (client and server end) plus the binary's own descriptors.
void ensure_descriptors(rlim_t needed) {
    rlimit limit{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
    if (limit.rlim_cur >= needed) {
        return;
    }
    limit.rlim_cur = std::min(needed, limit.rlim_max);
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
    ASSERT_GE(limit.rlim_cur, needed)
        << "RLIMIT_NOFILE hard limit " << limit.rlim_max << " is below the " << needed
        << " descriptors this test needs: raise it (ulimit -Hn) to run the soak tests";
}

std::size_t open_descriptors() {
    std::size_t count = 0;
    if (DIR* dir = opendir("/proc/self/fd")) {
        while (readdir(dir) != nullptr) {
            ++count;
        }
        closedir(dir);
    }
    return count;
}

// Resident set after returning freed heap pages to the system (glibc keeps them otherwise, which
// would look like growth).
double resident_mb() {
    malloc_trim(0);
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stod(line.substr(6)) / 1024.0;
        }
    }
    return 0;
}

JourneyOptions journey_to(const std::string& url, std::size_t user) {
    JourneyOptions options;
    options.config.url = Url::parse(url);
    // Generous phase deadlines: 1000 threads on 2 cores queue for the CPU.
    options.config.timeouts.connect = Milliseconds(10000);
    options.config.timeouts.upgrade = Milliseconds(10000);
    options.config.timeouts.ready = Milliseconds(10000);
    options.config.timeouts.first_event = Milliseconds(10000);
    options.config.timeouts.completion = Milliseconds(20000);
    options.user = user;
    return options;
}

TEST(SoakTest, ThousandUsersAtOnceAllFollowTheGoldenPath) {
    ensure_descriptors(2 * kUsers + 256);
    AgentServerDouble server;
    std::vector<JourneySample> samples(kUsers);
    std::vector<std::thread> threads;
    threads.reserve(kUsers);
    const auto started = Clock::now();
    for (std::size_t user = 0; user < kUsers; ++user) {
        threads.emplace_back([&, user] {
            samples[user] =
                JourneySample::of(GoldenPathJourney(journey_to(server.url(), user)).run());
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    const auto summary = LoadSummary::of(samples);
    testing::Test::RecordProperty("goldenpath.wall_ms",
                                  std::to_string(elapsed_ms(started, Clock::now())));
    testing::Test::RecordProperty("goldenpath.summary", summary.to_string());
    EXPECT_EQ(summary.passed, kUsers) << summary.to_string();
    EXPECT_EQ(server.connections().size(), kUsers);
    std::cout << summary.to_string() << "wall " << elapsed_ms(started, Clock::now()) << " ms, RSS "
              << resident_mb() << " MB\n";
}

// 10 000 journeys in 5 rounds of 2000, each round against its own double (which records every
// connection until destroyed). After the first round has warmed pools and caches, descriptors and
// resident memory must stay flat: growth from round 2 to round 5 is a leak.
TEST(SoakTest, TenThousandJourneysLeaveDescriptorsAndMemoryAtBaseline) {
    constexpr std::size_t kRounds = 5;
    const auto deadline = Clock::now() + kTimeBound;
    std::vector<std::size_t> fds;
    std::vector<double> rss;
    std::size_t passed = 0;
    std::size_t ran = 0;
    for (std::size_t round = 0; round < kRounds && Clock::now() < deadline; ++round) {
        {
            AgentServerDouble server;
            for (std::size_t i = 0; i < kJourneys / kRounds && Clock::now() < deadline;
                 ++i, ++ran) {
                passed += GoldenPathJourney(journey_to(server.url(), i)).run().passed() ? 1U : 0U;
            }
        }
        fds.push_back(open_descriptors());
        rss.push_back(resident_mb());
        std::cout << "after " << ran << " journeys: " << fds.back() << " fds, " << rss.back()
                  << " MB\n";
    }
    ASSERT_EQ(ran, kJourneys) << "time bound reached after " << ran << " journeys";
    EXPECT_EQ(passed, ran);
    EXPECT_EQ(fds.back(), fds[1]) << "descriptors leaked";
    EXPECT_LT(rss.back() - rss[1], 2.0) << "RSS grew from " << rss[1] << " MB after round 2 to "
                                        << rss.back() << " MB after round " << kRounds;
}

}  // namespace
}  // namespace goldenpath
