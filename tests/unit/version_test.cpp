#include "goldenpath/version.hpp"

#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace {

TEST(Version, StringAndNumbersAgree) {
    EXPECT_EQ(goldenpath::version_string,
              fmt::format("{}.{}.{}", goldenpath::version.major, goldenpath::version.minor,
                          goldenpath::version.patch));
}

TEST(Version, IsTheProjectVersionOfTheBuild) {
    EXPECT_EQ(goldenpath::version_string, std::string(GOLDENPATH_TEST_PROJECT_VERSION));
}

}  // namespace
