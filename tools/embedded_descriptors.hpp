#pragma once
// goldenpath-probe --embedded --users N: both ends of every connection live in this process, so
// the users need twice the descriptors of a run against a remote server. Checked before any
// journey starts, so a low limit is a usage error with the numbers, not hundreds of refusals.

#include <cstddef>
#include <string>

namespace goldenpath::cli {

// Raises the RLIMIT_NOFILE soft limit to the hard limit when the users need it; returns an empty
// string when the limit suffices, else the reason (with the numbers) to report as a usage error.
std::string check_embedded_descriptors(std::size_t users);

}  // namespace goldenpath::cli
