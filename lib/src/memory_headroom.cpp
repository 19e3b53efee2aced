#include "memory_headroom.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <string_view>

#include <fmt/format.h>

#include "goldenpath/user_limits.hpp"
#include "strict_integer.hpp"
#include "text_helpers.hpp"

namespace goldenpath::detail {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

// The start (at most 4 KB) of a small kernel file, or nullopt.
std::optional<std::string> read_small_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        return std::nullopt;
    }
    std::string text(4096, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

// A kernel file's number: digits, around them only whitespace.
std::optional<std::uint64_t> kernel_number(std::string_view text) {
    if (const auto value = parse_digits(trim(text))) {
        return static_cast<std::uint64_t>(*value);
    }
    return std::nullopt;
}

// "MemAvailable:   123456 kB" in /proc/meminfo.
std::optional<std::uint64_t> mem_available() {
    constexpr std::string_view kKey = "MemAvailable:";
    constexpr std::string_view kUnit = " kB";
    const auto text = read_small_file("/proc/meminfo");
    const auto at = text ? text->find(kKey) : std::string::npos;
    if (at == std::string::npos) {
        return std::nullopt;
    }
    const std::string_view line = trim(
        std::string_view(*text).substr(at + kKey.size(), text->find('\n', at) - at - kKey.size()));
    if (!line.ends_with(kUnit)) {
        return std::nullopt;
    }
    if (const auto kib = kernel_number(line.substr(0, line.size() - kUnit.size()))) {
        return *kib * 1024;
    }
    return std::nullopt;
}

// Free physical memory (sysconf): where MemAvailable is missing (Linux before 3.14).
std::optional<std::uint64_t> free_physical_memory() {
    const long pages = sysconf(_SC_AVPHYS_PAGES);
    const long page = sysconf(_SC_PAGESIZE);
    if (pages < 0 || page <= 0) {
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page);
}

// memory.max minus memory.current of this process's cgroup (v2); nullopt when unlimited.
std::optional<std::uint64_t> cgroup_room() {
    const auto membership = read_small_file("/proc/self/cgroup");
    if (!membership || membership->rfind("0::", 0) != 0) {
        return std::nullopt;
    }
    const std::string path = membership->substr(3, membership->find('\n') - 3);
    const std::string dir = "/sys/fs/cgroup" + (path == "/" ? std::string() : path);
    const auto max = read_small_file(dir + "/memory.max");
    const auto current = read_small_file(dir + "/memory.current");
    if (!max || !current) {
        return std::nullopt;
    }
    const auto limit = kernel_number(*max);  // "max" (no limit) does not parse
    const auto used = kernel_number(*current);
    if (!limit || !used) {
        return std::nullopt;
    }
    return *limit > *used ? *limit - *used : 0;
}

// RLIMIT_AS minus this process's address space now (/proc/self/statm, in pages).
std::optional<std::uint64_t> address_space_room() {
    rlimit limit{};
    if (getrlimit(RLIMIT_AS, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) {
        return std::nullopt;
    }
    const auto statm = read_small_file("/proc/self/statm");
    const long page = sysconf(_SC_PAGESIZE);
    if (!statm || page <= 0) {
        return std::nullopt;
    }
    const auto pages = kernel_number(statm->substr(0, statm->find(' ')));
    if (!pages) {
        return std::nullopt;
    }
    const std::uint64_t used = *pages * static_cast<std::uint64_t>(page);
    return limit.rlim_cur > used ? limit.rlim_cur - used : 0;
}

}  // namespace

std::optional<MemoryHeadroom> memory_headroom() {
    std::optional<MemoryHeadroom> least;
    const auto consider = [&least](std::optional<std::uint64_t> bytes, const char* bound) {
        if (bytes && (!least || *bytes < least->bytes)) {
            least = MemoryHeadroom{*bytes, bound};
        }
    };
    if (const auto available = mem_available()) {
        consider(available, "MemAvailable in /proc/meminfo");
    } else {
        consider(free_physical_memory(), "free physical memory (sysconf)");
    }
    consider(cgroup_room(), "the room left under the cgroup's memory.max");
    consider(address_space_room(), "the room left under RLIMIT_AS");
    return least;
}

std::string memory_shortfall(std::size_t users, const MemoryHeadroom& headroom) {
    const std::uint64_t needed = static_cast<std::uint64_t>(users) * kMemoryPerUser;
    if (needed <= headroom.bytes) {
        return {};
    }
    return fmt::format(
        "needs about {} MiB of memory ({} KiB per user), but {} MiB is available ({}); use at "
        "most {} users or free memory",
        (needed + kMiB - 1) / kMiB, kMemoryPerUser / 1024, headroom.bytes / kMiB, headroom.bound,
        headroom.bytes / kMemoryPerUser);
}

}  // namespace goldenpath::detail
