#include "embedded_descriptors.hpp"

#include <sys/resource.h>

#include <fmt/format.h>

#include "goldenpath/config_error.hpp"
#include "goldenpath/load_run.hpp"
#include "goldenpath/user_limits.hpp"

namespace goldenpath::cli {

std::string check_embedded_descriptors(std::size_t users) {
    const std::size_t needed = 2 * users + kReservedDescriptors;
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return {};  // unknown limit: the connections will report their own errors
    }
    if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) {
        return fmt::format(
            "--users {} with --embedded needs {} file descriptors ({} client sockets, {} server "
            "sockets, {} reserved), above the RLIMIT_NOFILE hard limit of {} (raise it with "
            "ulimit -Hn or use at most {} users)",
            users, needed, users, users, kReservedDescriptors, limit.rlim_max,
            limit.rlim_max > kReservedDescriptors ? (limit.rlim_max - kReservedDescriptors) / 2
                                                  : 0);
    }
    try {
        ensure_descriptor_limit(needed, needed, "/users");
    } catch (const ConfigError& error) {
        return fmt::format("--users {} with --embedded: {}", users, error.requirement());
    }
    return {};
}

}  // namespace goldenpath::cli
