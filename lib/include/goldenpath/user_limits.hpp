#pragma once
// How many users one load run may have. The number is checked the same way wherever it is given
// (GOLDENPATH_USERS, "users", LoadRunOptions::users, goldenpath-probe --users), with the one
// message below; the real bound is the machine's: each user holds a connection (and, with an
// in-process server, its server end), so LoadRun checks file descriptors and memory before it
// starts, and says which is short.

#include <cstddef>
#include <string_view>

namespace goldenpath {

inline constexpr std::size_t kMaxLoadUsers = 1'000'000;
inline constexpr std::string_view kUsersRequirement = "must be an integer 1-1000000";
// Descriptors a load run keeps free beside the users' sockets: stdio, the event loop, the
// resolver, report files.
inline constexpr std::size_t kReservedDescriptors = 64;
// Memory LoadRun sets aside per user when it checks the machine's: about twice what a user takes
// at its peak in the bench (goldenpath-bench users_async, 10 000 users), with its result kept.
inline constexpr std::size_t kMemoryPerUser = 32 * 1024;

}  // namespace goldenpath
