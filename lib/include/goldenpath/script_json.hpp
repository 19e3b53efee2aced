#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

#include "goldenpath/protocol_profile.hpp"
#include "goldenpath/script.hpp"

namespace goldenpath {

// The JSON script format of `goldenpath-server --script` (docs/server-double.md):
//   {"events": [ {...}, ... ],          optional; default: the profile's golden path
//    "faults": [ {"at": 3, "close": {"code": 1011, "reason": "boom"}},
//                {"at": 1, "send_raw": "{not json"},
//                {"at": 2, "delay_ms": 100},
//                {"at": 4, "stall": true},
//                {"at": 2, "ping": "keepalive"},      a ping frame (payload <= 125 bytes)
//                {"at": 3, "reset": true},            TCP reset: the client sees closed(1006)
//                {"at": 1, "send_binary": "bytes"},   a binary frame
//                {"drop": 2}, {"duplicate": 1}, {"swap": [2, 3]},
//                {"close_before_event": [3, 1011, "boom"]}, {"stall_after": 2},
//                {"reject_upgrade": 401} ]}
// "at": N acts before event N (N = number of events: after the last). Every builder of Script
// (close_before_event, stall_after, ...) is a fault of the same name whose value is its arguments:
// one value or an array in the builder's order. Edits (drop, duplicate, swap) apply first, in
// order, then the indexed faults, in order. Errors are ConfigError with id
// "goldenpath.script" and the JSON pointer of the field.
Script script_from_json(const nlohmann::json& json, const ProtocolProfile& profile);
Script load_script(const std::filesystem::path& path, const ProtocolProfile& profile);

}  // namespace goldenpath
