#pragma once
// The explanation a matcher gives for `value`, as GoogleTest would print it after "Actual: ...".

#include <string>

#include <gmock/gmock.h>

namespace goldenpath::test {

template <typename T, typename M>
std::string explain(const M& matcher, const T& value) {
    testing::StringMatchResultListener listener;
    testing::ExplainMatchResult(matcher, value, &listener);
    return listener.str();
}

}  // namespace goldenpath::test
