#pragma once
// Harness bugs show as harness bugs: an exception from a test's own callback (AgentBehaviour,
// script_for, on_connection, upgrade_fault_for) is described with its type and message, never
// swallowed. Internal: not installed.

#include <cstddef>
#include <string>
#include <string_view>

namespace goldenpath::detail {

// "std::runtime_error: <what>" for the exception being handled (call inside a catch block);
// "an exception of unknown type" when it is no std::exception.
std::string describe_current_exception();

// "harness: <source> threw <description>", e.g. "harness: AgentBehaviour threw
// std::runtime_error: no".
std::string harness_error(std::string_view source, std::string_view description);

// `text` cut to at most `limit` bytes (the 123 bytes a close reason may hold by default) at a
// UTF-8 character boundary, with "..." at the cut.
std::string bounded_close_reason(std::string_view text, std::size_t limit = 123);

}  // namespace goldenpath::detail
