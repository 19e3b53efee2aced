// A public header that uses std::string without including <string>, so the self-containment
// check's own test can see it fail.
#pragma once

namespace goldenpath {
inline std::string not_self_contained() {
    return "x";
}
}  // namespace goldenpath
