// The long slowloris case (label soak): many clients at once against a server that trickles its
// upgrade answer for far longer than any deadline. Every journey must end as timeout(upgrade) at
// the development upgrade deadline, whatever the others are doing.
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "../mission_critical/raw_frame_server.hpp"
#include "goldenpath/golden_path_journey.hpp"

namespace goldenpath {
namespace {

constexpr std::size_t kClients = 200;
constexpr double kSlackMs = 250.0;

TEST(SlowlorisSoak, TwoHundredClientsAllTimeOutAtTheUpgradeDeadline) {
    test::RawServerScript script;
    script.upgrade = test::UpgradeAnswer::slowloris;
    script.slowloris_interval = Milliseconds(100);  // ~130 bytes: 13 s for the whole answer
    const test::RawFrameServer server(std::move(script));
    const Timeouts timeouts = Timeouts::defaults_for(DeploymentEnvironment::development);

    std::mutex mutex;
    std::vector<std::string> labels;
    std::vector<double> elapsed;
    std::vector<std::thread> clients;
    for (std::size_t user = 0; user < kClients; ++user) {
        clients.emplace_back([&, user] {
            JourneyOptions options;
            options.config.url = Url::parse(server.url());
            options.user = user;
            const auto started = Clock::now();
            const JourneyResult result = GoldenPathJourney(std::move(options)).run();
            const double ms = elapsed_ms(started, Clock::now());
            const std::lock_guard lock(mutex);
            labels.push_back(result.failure ? result.failure->kind_label() : "passed");
            elapsed.push_back(ms);
        });
    }
    for (auto& client : clients) {
        client.join();
    }

    ASSERT_EQ(labels.size(), kClients);
    for (std::size_t i = 0; i < kClients; ++i) {
        EXPECT_EQ(labels[i], "timeout(upgrade)") << "journey " << i;
        EXPECT_GE(elapsed[i], static_cast<double>(timeouts.upgrade.count())) << "journey " << i;
        EXPECT_LT(elapsed[i], static_cast<double>(timeouts.upgrade.count()) + kSlackMs)
            << "journey " << i << " ended " << elapsed[i] << " ms after it started";
    }
}

}  // namespace
}  // namespace goldenpath
