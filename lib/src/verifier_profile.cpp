#include "verifier_profile.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <mutex>
#include <utility>

namespace goldenpath::detail {

VerifierProfile::VerifierProfile(std::shared_ptr<const ProtocolProfile> profile)
    : profile_(std::move(profile)), summarizer_(*profile_) {
    const ProtocolProfile& p = *profile_;
    tool_name_slot_ = summarizer_.add_name(p.tool_name_field);
    for (const std::string& field : p.tool_call_id_fields) {
        call_id_slots_.push_back(summarizer_.add_name(field));
    }
    // The order of EventSequenceVerifier's classification: the first role a name gets is its own.
    add(p.ready_type, EventRole::ready, GoldenStep::none);
    for (const std::string& name : p.ignored_types) {
        add(name, EventRole::ignored, GoldenStep::none);
    }
    for (const std::string& name : p.terminal_failure_types) {
        add(name, EventRole::terminal_failure, GoldenStep::none);
    }
    add_role(p.agent_started, "agent_started", GoldenStep::started);
    add_role(p.agent_thinking, "agent_thinking", GoldenStep::thinking);
    add_role(p.tool_executing, "tool_executing", GoldenStep::tool_executing);
    add_role(p.tool_completed, "tool_completed", GoldenStep::tool_completed);
    add_role(p.agent_completed, "agent_completed", GoldenStep::completed);
    // A type named by a pairing is an event of the run (unless it already has another role).
    for (std::size_t i = 0; i < p.pairings.size(); ++i) {
        const EventPairing& pairing = p.pairings[i];
        pairing_id_slots_.push_back(summarizer_.add_name(pairing.id_field));
        add(pairing.open_type, EventRole::run_event, GoldenStep::none)
            .pairings.push_back(PairingEdge{i, true});
        add(pairing.close_type, EventRole::run_event, GoldenStep::none)
            .pairings.push_back(PairingEdge{i, false});
    }
    const auto optional = [&](std::string_view role) {
        return std::find(p.optional_roles.begin(), p.optional_roles.end(), role) !=
               p.optional_roles.end();
    };
    thinking_required_ = !optional("agent_thinking");
    tool_required_ = p.require_tool && !optional("tool_executing") && !optional("tool_completed");
    if (const auto found = p.alternative_types.find("tool_completed");
        found != p.alternative_types.end()) {
        tool_completed_alternatives_ = !found->second.empty();
    }
    if (p.unknown_types_are_run_events) {
        unknown_.role = EventRole::run_event;
    }
    // Names are unique now, so their order only decides how soon a lookup finds one: the run
    // events, the most frequent, first.
    std::stable_partition(types_.begin(), types_.end(), [](const NamedType& type) {
        return type.info.role == EventRole::run_event;
    });
}

void VerifierProfile::add_role(const std::string& primary, std::string_view role_name,
                               GoldenStep step) {
    add(primary, EventRole::run_event, step);
    if (const auto found = profile_->alternative_types.find(std::string(role_name));
        found != profile_->alternative_types.end()) {
        for (const std::string& name : found->second) {
            add(name, EventRole::run_event, step);
        }
    }
}

EventTypeInfo& VerifierProfile::add(const std::string& name, EventRole role, GoldenStep step) {
    const auto known = std::find_if(types_.begin(), types_.end(),
                                    [&](const NamedType& type) { return type.name == name; });
    if (known != types_.end()) {
        return known->info;
    }
    EventTypeInfo info;
    info.role = role;
    info.step = step;
    info.type_index = static_cast<std::uint32_t>(types_.size() + 1);
    if (const auto required = profile_->required_fields.find(name);
        required != profile_->required_fields.end()) {
        info.required = &required->second;
        for (const std::vector<std::string>& group : required->second) {
            std::vector<std::size_t> slots;
            slots.reserve(group.size());
            for (const std::string& field : group) {
                slots.push_back(summarizer_.add_name(field));
            }
            info.required_slots.push_back(std::move(slots));
        }
    }
    types_.push_back(NamedType{name, head_word(name), std::move(info)});
    return types_.back().info;
}

std::uint64_t VerifierProfile::head_word(std::string_view text) noexcept {
    std::uint64_t word = 0;
    if (text.size() >= sizeof word) {
        std::memcpy(&word, text.data(), sizeof word);  // one load, where a variable size is a call
        return word;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        word |= std::uint64_t{static_cast<unsigned char>(text[i])} << (8 * i);
    }
    return word;
}

const EventTypeInfo& VerifierProfile::info(std::string_view type) const noexcept {
    const std::uint64_t head = head_word(type);
    for (const NamedType& named : types_) {
        if (named.head == head && named.name.size() == type.size() && named.name == type) {
            return named.info;
        }
    }
    return unknown_;
}

namespace {

// A few recently prepared profiles. Each kept entry owns its profile, so no other profile can
// reuse the address it is found by.
class PreparedProfiles {
  public:
    template <typename Matches, typename Make>
    std::shared_ptr<const VerifierProfile> find_or_make(Matches matches, Make make) {
        {
            const std::lock_guard lock(mutex_);
            for (const auto& entry : kept_) {
                if (entry && matches(*entry)) {
                    return entry;
                }
            }
        }
        std::shared_ptr<const VerifierProfile> made = make();
        std::shared_ptr<const VerifierProfile> evicted = made;
        const std::lock_guard lock(mutex_);
        std::swap(kept_[next_], evicted);  // released after the lock
        next_ = (next_ + 1) % kept_.size();
        return made;
    }

  private:
    std::mutex mutex_;
    std::array<std::shared_ptr<const VerifierProfile>, 4> kept_;
    std::size_t next_ = 0;
};

PreparedProfiles& prepared_profiles() {
    static PreparedProfiles profiles;
    return profiles;
}

}  // namespace

std::shared_ptr<const VerifierProfile> prepared(std::shared_ptr<const ProtocolProfile> profile) {
    return prepared_profiles().find_or_make(
        [&](const VerifierProfile& kept) { return kept.shared_profile() == profile; },
        [&] { return std::make_shared<const VerifierProfile>(profile); });
}

std::shared_ptr<const VerifierProfile> prepared(const ProtocolProfile& profile) {
    return prepared_profiles().find_or_make(
        [&](const VerifierProfile& kept) { return kept.profile() == profile; },
        [&] {
            return std::make_shared<const VerifierProfile>(
                std::make_shared<const ProtocolProfile>(profile));
        });
}

const std::shared_ptr<const VerifierProfile>& prepared_default_profile() {
    static const std::shared_ptr<const VerifierProfile> profile =
        std::make_shared<const VerifierProfile>(
            std::make_shared<const ProtocolProfile>(default_profile()));
    return profile;
}

}  // namespace goldenpath::detail
