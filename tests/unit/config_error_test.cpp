#include "goldenpath/config_error.hpp"

#include <memory>
#include <type_traits>
#include <utility>

#include <gtest/gtest.h>

namespace goldenpath {
namespace {

// An exception is copied while it is thrown and caught; a copy that can throw ends the process.
static_assert(std::is_nothrow_copy_constructible_v<ConfigError>);
static_assert(std::is_nothrow_copy_assignable_v<ConfigError>);

TEST(ConfigErrorTest, MessageFollowsTheIdFieldRequirementActualShape) {
    const ConfigError error("goldenpath.config", "/port", "must be 1-65535", "70000");
    EXPECT_STREQ(error.what(), "[goldenpath.config] (/port) must be 1-65535, but is 70000");
    EXPECT_EQ(error.id(), "goldenpath.config");
    EXPECT_EQ(error.field(), "/port");
    EXPECT_EQ(error.requirement(), "must be 1-65535");
    EXPECT_EQ(error.actual(), "70000");
}

TEST(ConfigErrorTest, ACopyKeepsEveryPartAfterTheOriginalIsGone) {
    auto original = std::make_unique<ConfigError>("goldenpath.url", "url", "must start with ws://",
                                                  "\"ftp://x\"");
    const ConfigError copy = *original;
    original.reset();
    EXPECT_EQ(copy.id(), "goldenpath.url");
    EXPECT_EQ(copy.field(), "url");
    EXPECT_EQ(copy.requirement(), "must start with ws://");
    EXPECT_EQ(copy.actual(), "\"ftp://x\"");
    EXPECT_STREQ(copy.what(), "[goldenpath.url] (url) must start with ws://, but is \"ftp://x\"");
}

}  // namespace
}  // namespace goldenpath
