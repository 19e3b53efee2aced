// LoadRun's memory check (memory_headroom.hpp): what it reads, and the sentence it says when the
// users do not fit.
#include "memory_headroom.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goldenpath/config_error.hpp"
#include "goldenpath/load_run.hpp"
#include "goldenpath/user_limits.hpp"

namespace goldenpath {
namespace {

using testing::HasSubstr;

constexpr std::uint64_t kMiB = 1024 * 1024;

TEST(MemoryHeadroom, UsersThatFitNeedNothingSaid) {
    const detail::MemoryHeadroom headroom{100 * kMiB, "MemAvailable in /proc/meminfo"};
    EXPECT_EQ(detail::memory_shortfall(3200, headroom), "");  // exactly 100 MiB
}

TEST(MemoryHeadroom, UsersThatDoNotFitAreToldWhatIsShortAndHowManyFit) {
    const detail::MemoryHeadroom headroom{200 * kMiB, "the room left under RLIMIT_AS"};
    EXPECT_EQ(detail::memory_shortfall(10000, headroom),
              "needs about 313 MiB of memory (32 KiB per user), but 200 MiB is available (the "
              "room left under RLIMIT_AS); use at most 6400 users or free memory");
    EXPECT_THAT(detail::memory_shortfall(3201, {100 * kMiB, "x"}), HasSubstr("at most 3200 users"));
}

TEST(MemoryHeadroom, NoRoomAtAllIsShortForOneUser) {
    EXPECT_THAT(detail::memory_shortfall(1, {0, "the room left under the cgroup's memory.max"}),
                HasSubstr("needs about 1 MiB of memory (32 KiB per user), but 0 MiB is "
                          "available (the room left under the cgroup's memory.max); use at most "
                          "0 users"));
}

TEST(MemoryHeadroom, ThisLinuxMachineSaysHowMuchIsAvailable) {
    const auto headroom = detail::memory_headroom();
    ASSERT_TRUE(headroom.has_value()) << "/proc/meminfo has MemAvailable on every Linux since 3.14";
    EXPECT_GT(headroom->bytes, 0u);
    EXPECT_FALSE(headroom->bound.empty());
}

TEST(MemoryHeadroom, EnsureMemoryForUsersThrowsAConfigErrorNamingTheField) {
    EXPECT_NO_THROW(ensure_memory_for_users(1, "/users"));
    const auto headroom = detail::memory_headroom();
    ASSERT_TRUE(headroom.has_value());
    if (headroom->bytes / kMemoryPerUser >= kMaxLoadUsers) {
        GTEST_SKIP() << "this machine has room for " << kMaxLoadUsers << " users";
    }
    try {
        ensure_memory_for_users(kMaxLoadUsers, "/users");
        ADD_FAILURE() << "expected a ConfigError: " << headroom->bytes / kMiB << " MiB available";
    } catch (const ConfigError& error) {
        EXPECT_EQ(error.field(), "/users");
        EXPECT_EQ(error.actual(), "1000000");
        EXPECT_THAT(error.what(), HasSubstr("needs about 31250 MiB of memory (32 KiB per user)"));
        EXPECT_THAT(error.what(), HasSubstr(headroom->bound));
    }
}

}  // namespace
}  // namespace goldenpath
