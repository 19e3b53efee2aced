// Event::summary made for every frame a verifier is fed, without looking each informative field up
// in each detail container: the field names are matched once per profile, and one pass over the
// body's members (and its containers' members) finds them all, with the fields the verifier
// checks (issue 17, item 3).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "goldenpath/event.hpp"
#include "goldenpath/protocol_profile.hpp"

namespace goldenpath::detail {

// The first `limit` bytes of `text`, cut back to a UTF-8 character boundary.
std::string_view utf8_prefix(std::string_view text, std::size_t limit);

// Appends ` {name: value` (or `, name: value`) as Event::summary writes a field.
void append_summary_field(std::string& out, bool& first, std::string_view name,
                          const nlohmann::json& value);

// Beyond this many distinct field names, fields are looked up one by one with find_field.
inline constexpr std::size_t kMaxScannedFields = 32;

class EventSummarizer;

// One event's fields, by the slots of an EventSummarizer: what ProtocolProfile::find_field finds.
// Made in place by EventSummarizer::fields and never copied.
class EventFields {
  public:
    EventFields(const EventFields&) = delete;
    EventFields& operator=(const EventFields&) = delete;
    ~EventFields() = default;

    const Event& event() const noexcept { return *event_; }
    // Inline: the rules read a few fields of every event.
    const nlohmann::json* get(std::size_t slot) const {
        if (scanned_) {
            return (found_slots_ >> slot & 1U) != 0 ? found_[slot] : nullptr;
        }
        return looked_up(slot);
    }

  private:
    friend class EventSummarizer;
    // Finds the fields of `event` in one pass over its members, when the summarizer can.
    EventFields(const Event& event, const EventSummarizer& summarizer);
    const nlohmann::json* looked_up(std::size_t slot) const;
    void found(std::uint32_t slot, const nlohmann::json* value) noexcept {
        found_[slot] = value;
        found_slots_ |= std::uint32_t{1} << slot;
    }
    bool has(std::uint32_t slot) const noexcept { return (found_slots_ >> slot & 1U) != 0; }

    const Event* event_;
    const ProtocolProfile* profile_;
    const std::vector<std::string>* names_;
    bool scanned_ = false;           // else get() looks each field up
    std::uint32_t found_slots_ = 0;  // bit `slot` set once found_[slot] is written
    // Not zeroed (most slots are never found): a slot is read only when found_slots_ has it.
    std::array<const nlohmann::json*, kMaxScannedFields> found_;
};

class EventSummarizer {
  public:
    // Keeps a reference to `profile`, which must outlive the summarizer.
    explicit EventSummarizer(const ProtocolProfile& profile);

    // The slot of a field `fields` should find, added when new; call while preparing.
    std::size_t add_name(const std::string& name);

    EventFields fields(const Event& event) const { return EventFields(event, *this); }
    // Byte for byte what event.summary(profile) returns.
    std::string summary(const EventFields& fields) const;
    std::string summary(const Event& event) const { return summary(fields(event)); }

  private:
    friend class EventFields;
    static constexpr std::size_t kMaxContainers = 7;  // as Event::summary resolves them
    static constexpr std::size_t kKeyBuckets = 128;
    static constexpr std::uint32_t kNoSlot = UINT32_MAX;

    // One field of the summary, in order: the first present of the names at
    // step_slots_[begin, end) (one name, or the tool call id fields).
    struct Step {
        std::size_t begin = 0;
        std::size_t end = 0;
        std::uint32_t slots = 0;            // the bits of its slots
        std::uint32_t slots_from_here = 0;  // of its slots and of every later step's
    };
    void add_step(const std::vector<std::string>& names);

    // Keys are sorted into kKeyBuckets buckets by length, first and last character: most keys
    // that are no name (ids, type, containers) land in a bucket without a name and are compared
    // with none.
    static std::size_t key_bucket(std::string_view key) noexcept {
        if (key.empty()) {
            return 0;
        }
        const auto first = static_cast<unsigned char>(key.front());
        const auto last = static_cast<unsigned char>(key.back());
        return (key.size() * 31U + first * 7U + last) % kKeyBuckets;
    }
    // The slot of the name `key` (in `bucket`) is, or kNoSlot. Inline: called for every member of
    // every event.
    std::uint32_t slot_of(std::string_view key, std::size_t bucket) const noexcept {
        for (std::uint32_t slot = first_slot_by_bucket_[bucket]; slot != kNoSlot;
             slot = next_slot_in_bucket_[slot]) {
            if (names_[slot] == key) {
                return slot;
            }
        }
        return kNoSlot;
    }
    bool may_be_container(std::size_t bucket) const noexcept {
        return (container_bits_[bucket / 64] >> (bucket % 64) & 1U) != 0;
    }

    const ProtocolProfile* profile_;
    std::vector<std::string> names_;  // distinct field names; a name's index is its slot
    // The names of a bucket, as a list: its first slot, then each slot's next.
    std::array<std::uint32_t, kKeyBuckets> first_slot_by_bucket_{};
    std::vector<std::uint32_t> next_slot_in_bucket_;
    std::array<std::uint64_t, kKeyBuckets / 64> container_bits_{};  // buckets with a container
    std::vector<std::size_t> step_slots_;
    std::vector<Step> steps_;
};

}  // namespace goldenpath::detail
