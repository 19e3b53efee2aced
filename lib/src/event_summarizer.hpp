// Event::summary made for every frame a verifier is fed, without looking each informative field up
// in each detail container: the field names are matched once per profile, and one pass over the
// body's members (and its containers' members) finds them all (issue 17, item 3).
#pragma once

#include <cstddef>
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

class EventSummarizer {
  public:
    // Keeps a reference to `profile`, which must outlive the summarizer.
    explicit EventSummarizer(const ProtocolProfile& profile);

    // Byte for byte what event.summary(profile) returns.
    std::string summary(const Event& event) const;

  private:
    // Beyond this many distinct names, or detail containers, Event::summary is used as it is.
    static constexpr std::size_t kMaxNames = 16;
    static constexpr std::size_t kMaxContainers = 7;

    // One field of the summary, in order: the first present of the names at
    // step_slots_[begin, end) (one name, or the tool call id fields).
    struct Step {
        std::size_t begin = 0;
        std::size_t end = 0;
    };
    void add_step(const std::vector<std::string>& names);
    std::size_t slot_of(const std::string& name);

    const ProtocolProfile* profile_;
    std::vector<std::string> names_;  // distinct field names; a name's index is its slot
    std::vector<std::size_t> step_slots_;
    std::vector<Step> steps_;
    bool fast_ = false;
};

}  // namespace goldenpath::detail
