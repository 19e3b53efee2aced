// A protocol profile as the verifier uses it: shared and immutable, with every event type it
// names matched to its role once, when the profile is prepared, instead of by string compares for
// every event (issue 17, item 3).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "event_summarizer.hpp"
#include "goldenpath/event_sequence_verifier.hpp"
#include "goldenpath/protocol_profile.hpp"

namespace goldenpath::detail {

// Which of the five golden-path types an event is, if any.
enum class GoldenStep : std::uint8_t {
    none,
    started,
    thinking,
    tool_executing,
    tool_completed,
    completed
};

// A type's part in one of the profile's pairings.
struct PairingEdge {
    std::size_t pairing = 0;  // index into ProtocolProfile::pairings
    bool opens = false;       // else it closes
};

struct EventTypeInfo {
    EventRole role = EventRole::unknown;
    GoldenStep step = GoldenStep::none;
    // Distinct per type of the profile: tells the types of one role apart (tool_completed by
    // TOOL_CALL_END or by TOOL_CALL_RESULT).
    std::uint32_t type_index = 0;
    std::vector<PairingEdge> pairings;
    // The profile's required_fields for the type; nullptr when it has none.
    const std::vector<std::vector<std::string>>* required = nullptr;
    // The same groups as slots of the profile's EventFields.
    std::vector<std::vector<std::size_t>> required_slots;
};

class VerifierProfile {
  public:
    explicit VerifierProfile(std::shared_ptr<const ProtocolProfile> profile);

    const ProtocolProfile& profile() const noexcept { return *profile_; }
    const std::shared_ptr<const ProtocolProfile>& shared_profile() const noexcept {
        return profile_;
    }
    // What the type means under this profile; a type the profile does not name is unknown.
    const EventTypeInfo& info(std::string_view type) const noexcept;
    const EventSummarizer& summarizer() const noexcept { return summarizer_; }
    // Slots in EventFields of the tool name field and of the tool call id fields (in order).
    std::size_t tool_name_slot() const noexcept { return tool_name_slot_; }
    const std::vector<std::size_t>& call_id_slots() const noexcept { return call_id_slots_; }
    // Slot in EventFields of each pairing's id field, by pairing index.
    std::size_t pairing_id_slot(std::size_t pairing) const { return pairing_id_slots_[pairing]; }
    // No optional_roles entry lifts the rule.
    bool thinking_required() const noexcept { return thinking_required_; }
    bool tool_required() const noexcept { return tool_required_; }
    // tool_completed has alternative types, so one call may be completed once by each.
    bool tool_completed_alternatives() const noexcept { return tool_completed_alternatives_; }

  private:
    struct NamedType {
        std::string name;
        std::uint64_t head = 0;  // head_word(name): most types differ there, so one memcmp
        EventTypeInfo info;
    };
    // The first eight bytes of `text` (fewer, zero-padded, when shorter) as one word.
    static std::uint64_t head_word(std::string_view text) noexcept;
    // The type's entry: added with `role` and `step` when new, else the one it has.
    EventTypeInfo& add(const std::string& name, EventRole role, GoldenStep step);
    void add_role(const std::string& primary, std::string_view role_name, GoldenStep step);

    std::shared_ptr<const ProtocolProfile> profile_;
    // Each name once, with the role of its first mention in classification order (ready, ignored,
    // terminal failure, golden path); the golden-path types come first for the lookup.
    std::vector<NamedType> types_;
    EventTypeInfo unknown_;
    EventSummarizer summarizer_;
    std::size_t tool_name_slot_ = 0;
    std::vector<std::size_t> call_id_slots_;
    std::vector<std::size_t> pairing_id_slots_;
    bool thinking_required_ = true;
    bool tool_required_ = true;
    bool tool_completed_alternatives_ = false;
};

// The prepared form of `profile`, shared by every verifier made from the same shared profile: a
// few recently used ones are kept, so a verifier per run does not prepare it again.
std::shared_ptr<const VerifierProfile> prepared(std::shared_ptr<const ProtocolProfile> profile);
// The same for a profile given by value: a kept one equal to it is shared, else it is copied.
std::shared_ptr<const VerifierProfile> prepared(const ProtocolProfile& profile);

// The prepared default_profile(), made once per process.
const std::shared_ptr<const VerifierProfile>& prepared_default_profile();

}  // namespace goldenpath::detail
