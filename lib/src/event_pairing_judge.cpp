#include "event_pairing_judge.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "bounded_text.hpp"

namespace goldenpath::detail {

namespace {

Violation unpaired(const EventPairing& pairing, const std::string& id, std::size_t index,
                   const std::string& expected, const std::string& actual, std::string message) {
    Violation v;
    v.rule = Rule::unpaired;
    v.event_index = index;
    v.pairing = pairing.name;
    v.pairing_id = bounded(id, kMaxFieldBytes);
    v.expected = bounded(expected, kMaxMessageBytes);
    v.actual = bounded(actual, kMaxMessageBytes);
    v.message =
        bounded(fmt::format("unpaired: {} (pairing {})", message, pairing.name), kMaxMessageBytes);
    return v;
}

}  // namespace

std::optional<Violation> judge_pairings(OpenPairs& open, const VerifierProfile& profile,
                                        const EventTypeInfo& type, const EventFields& fields,
                                        std::size_t index) {
    std::optional<Violation> first;
    for (const PairingEdge& edge : type.pairings) {
        const EventPairing& pairing = profile.profile().pairings[edge.pairing];
        std::string id = compact_key(field_text(fields.get(profile.pairing_id_slot(edge.pairing))));
        const auto found = std::find_if(open.begin(), open.end(), [&](const auto& span) {
            return span.first == edge.pairing && span.second == id;
        });
        const std::string shown_id = bounded(id, kMaxFieldBytes);
        const std::string event =
            fmt::format("{} with {} {}", bounded(fields.event().type, kMaxFieldBytes),
                        pairing.id_field, shown_id);
        std::optional<Violation> violation;
        if (edge.opens && found != open.end()) {
            violation = unpaired(
                pairing, id, index,
                fmt::format("{} with {} {}", pairing.close_type, pairing.id_field, shown_id), event,
                fmt::format("event #{} is {}, but {} with {} {} was expected first ({} {} is "
                            "already open)",
                            index, event, pairing.close_type, pairing.id_field, shown_id,
                            pairing.name, shown_id));
        } else if (edge.opens) {
            open.emplace_back(edge.pairing, std::move(id));
        } else if (found == open.end()) {
            violation = unpaired(
                pairing, id, index,
                fmt::format("an open {} with {} {}", pairing.open_type, pairing.id_field, shown_id),
                event,
                fmt::format("event #{} is {}, but no {} with {} {} is open", index, event,
                            pairing.open_type, pairing.id_field, shown_id));
        } else {
            open.erase(found);
        }
        if (violation && !first) {
            first = std::move(violation);
        }
    }
    return first;
}

std::optional<Violation> open_pairs_at_completion(const OpenPairs& open,
                                                  const VerifierProfile& profile,
                                                  std::string_view type, std::size_t index) {
    if (open.empty()) {
        return std::nullopt;
    }
    const auto& [pairing_index, id] = open.front();
    const EventPairing& pairing = profile.profile().pairings[pairing_index];
    const std::string shown_id = bounded(id, kMaxFieldBytes);
    const std::string expected =
        fmt::format("{} with {} {}", pairing.close_type, pairing.id_field, shown_id);
    const std::string more =
        open.size() > 1 ? fmt::format("; {} spans are open in all", open.size()) : std::string();
    return unpaired(
        pairing, id, index, expected, std::string(type),
        fmt::format("event #{} is {}, but {} was expected first ({} {} is still "
                    "open{})",
                    index, bounded(type, kMaxFieldBytes), expected, pairing.name, shown_id, more));
}

}  // namespace goldenpath::detail
