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

// One event's fields, by the slots of an EventSummarizer: what ProtocolProfile::find_field finds.
class EventFields {
  public:
    const Event& event() const noexcept { return *event_; }
    const nlohmann::json* get(std::size_t slot) const;

  private:
    friend class EventSummarizer;
    EventFields(const Event& event, const ProtocolProfile& profile,
                const std::vector<std::string>& names)
        : event_(&event), profile_(&profile), names_(&names) {}

    const Event* event_;
    const ProtocolProfile* profile_;
    const std::vector<std::string>* names_;
    bool scanned_ = false;  // else get() looks each field up
    std::array<const nlohmann::json*, kMaxScannedFields> found_{};
};

class EventSummarizer {
  public:
    // Keeps a reference to `profile`, which must outlive the summarizer.
    explicit EventSummarizer(const ProtocolProfile& profile);

    // The slot of a field `fields` should find, added when new; call while preparing.
    std::size_t add_name(const std::string& name);

    EventFields fields(const Event& event) const;
    // Byte for byte what event.summary(profile) returns.
    std::string summary(const EventFields& fields) const;
    std::string summary(const Event& event) const { return summary(fields(event)); }

  private:
    static constexpr std::size_t kMaxContainers = 7;  // as Event::summary resolves them
    static constexpr std::size_t kKeyBuckets = 128;
    static constexpr std::uint32_t kNoSlot = UINT32_MAX;

    // One field of the summary, in order: the first present of the names at
    // step_slots_[begin, end) (one name, or the tool call id fields).
    struct Step {
        std::size_t begin = 0;
        std::size_t end = 0;
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
    // The slot of the name `key` is, or kNoSlot. Inline: called for every member of every event.
    std::uint32_t slot_of(std::string_view key) const noexcept {
        for (std::uint32_t slot = first_slot_by_bucket_[key_bucket(key)]; slot != kNoSlot;
             slot = next_slot_in_bucket_[slot]) {
            if (names_[slot] == key) {
                return slot;
            }
        }
        return kNoSlot;
    }
    bool may_be_container(std::string_view key) const noexcept {
        const std::size_t bit = key_bucket(key);
        return (container_bits_[bit / 64] >> (bit % 64) & 1U) != 0;
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
