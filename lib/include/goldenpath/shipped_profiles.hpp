#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "goldenpath/protocol_profile.hpp"

namespace goldenpath {

// The names of the profiles shipped with goldenpath: "agent-chat-v1" (default_profile()) and
// "ag-ui" (share/goldenpath/profiles/ag-ui.json, compiled in).
std::vector<std::string> shipped_profile_names();
// The shipped profile named `name`; nullopt for another name.
std::optional<ProtocolProfile> shipped_profile(std::string_view name);

// Whether a --profile / GOLDENPATH_PROFILE value is a path (it contains '/' or '\' or ends in
// ".json") rather than a shipped profile's name.
bool is_profile_path(std::string_view value);

// The profile a --profile / GOLDENPATH_PROFILE value names: a path is read with load_profile, a
// name is a shipped profile. An unknown name is a ConfigError (id goldenpath.profile, naming
// `field`) listing the shipped names.
ProtocolProfile resolve_profile(std::string_view path_or_name, std::string_view field = "profile");
// Throws that ConfigError unless `value` is a path or a shipped profile's name (the file itself is
// not checked).
void check_profile_name(std::string_view value, std::string_view field);

}  // namespace goldenpath
