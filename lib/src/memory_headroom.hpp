// How much more memory this process may take, and what bounds it: the check LoadRun makes before
// it opens a connection per user. Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace goldenpath::detail {

struct MemoryHeadroom {
    std::uint64_t bytes = 0;
    std::string bound;  // what bounds it, for the message: "MemAvailable (/proc/meminfo)", ...
};

// The least of the system's MemAvailable (or, without it, its free physical memory), the room left
// under this process's cgroup memory.max and under its RLIMIT_AS; nullopt when none can be read.
std::optional<MemoryHeadroom> memory_headroom();

// The requirement sentence when `users` users (kMemoryPerUser each) do not fit in `headroom`;
// empty when they do.
std::string memory_shortfall(std::size_t users, const MemoryHeadroom& headroom);

}  // namespace goldenpath::detail
