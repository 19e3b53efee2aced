// The profile's pairings (ProtocolProfile::pairings: AG-UI's TEXT_MESSAGE_START/END by messageId,
// TOOL_CALL_START/END by toolCallId, STEP_STARTED/FINISHED by stepName, REASONING_START/END) judged
// for one run: each broken pairing is an `unpaired` violation naming the pairing and the id.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "goldenpath/event_sequence_verifier.hpp"
#include "verifier_profile.hpp"

namespace goldenpath::detail {

// A run's open spans: pairing index, span id.
using OpenPairs = std::vector<std::pair<std::size_t, std::string>>;

// Opens or closes the spans event #`index` (of type `type`) takes part in; the violation when it
// closes a span that is not open, or opens one whose id is open already.
std::optional<Violation> judge_pairings(OpenPairs& open, const VerifierProfile& profile,
                                        const EventTypeInfo& type, const EventFields& fields,
                                        std::size_t index);

// The violation of a run completed by event #`index` of type `type` while spans are open.
std::optional<Violation> open_pairs_at_completion(const OpenPairs& open,
                                                  const VerifierProfile& profile,
                                                  std::string_view type, std::size_t index);

}  // namespace goldenpath::detail
