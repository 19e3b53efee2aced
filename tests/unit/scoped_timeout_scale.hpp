#pragma once
// A test's own GOLDENPATH_TIMEOUT_SCALE, for tests of default deadlines: CI also runs the suites
// with the scale at 3.

#include <cstdlib>
#include <optional>
#include <string>

#include "goldenpath/timeout_scale.hpp"

namespace goldenpath::test {

// Sets GOLDENPATH_TIMEOUT_SCALE for one test and restores what the process had before
// (a ctest run under GOLDENPATH_TIMEOUT_SCALE=3 must see its own value again afterwards).
class ScopedTimeoutScale {
  public:
    explicit ScopedTimeoutScale(const std::optional<std::string>& value) {
        const std::string name(kTimeoutScaleVariable);
        if (const char* before = std::getenv(name.c_str()); before != nullptr) {
            before_ = before;
        }
        if (value) {
            ::setenv(name.c_str(), value->c_str(), 1);
        } else {
            ::unsetenv(name.c_str());
        }
    }
    ScopedTimeoutScale(const ScopedTimeoutScale&) = delete;
    ScopedTimeoutScale& operator=(const ScopedTimeoutScale&) = delete;
    ~ScopedTimeoutScale() {
        const std::string name(kTimeoutScaleVariable);
        if (before_) {
            ::setenv(name.c_str(), before_->c_str(), 1);
        } else {
            ::unsetenv(name.c_str());
        }
    }

  private:
    std::optional<std::string> before_;
};

}  // namespace goldenpath::test
