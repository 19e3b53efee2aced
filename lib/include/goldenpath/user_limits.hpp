#pragma once
// How many users one load run may have: the one limit EndpointConfig (GOLDENPATH_USERS, "users"),
// LoadRun and goldenpath-probe --users all check, with the one message below. Each user holds a
// connection (and, with an in-process server, its server end), so users are bounded by file
// descriptors, not threads.

#include <cstddef>
#include <string_view>

namespace goldenpath {

inline constexpr std::size_t kMaxLoadUsers = 5000;
inline constexpr std::string_view kUsersRequirement = "must be an integer 1-5000";
// Descriptors a load run keeps free beside the users' sockets: stdio, the event loop, the
// resolver, report files.
inline constexpr std::size_t kReservedDescriptors = 64;

}  // namespace goldenpath
