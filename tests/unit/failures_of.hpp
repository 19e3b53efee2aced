#pragma once
// The messages of the failures `statement` reports, intercepted so they do not fail the test:
// for checking the whole wording of a failure, where EXPECT_NONFATAL_FAILURE takes one substring.

#include <string>
#include <vector>

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

namespace goldenpath::test {

template <typename Statement>
std::vector<std::string> failures_of(Statement&& statement) {
    testing::TestPartResultArray results;
    {
        const testing::ScopedFakeTestPartResultReporter reporter(
            testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &results);
        statement();
    }
    std::vector<std::string> messages;
    for (int index = 0; index < results.size(); ++index) {
        messages.emplace_back(results.GetTestPartResult(index).message());
    }
    return messages;
}

}  // namespace goldenpath::test
