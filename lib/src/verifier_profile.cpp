#include "verifier_profile.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
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
    add(p.agent_started, EventRole::run_event, GoldenStep::started);
    add(p.agent_thinking, EventRole::run_event, GoldenStep::thinking);
    add(p.tool_executing, EventRole::run_event, GoldenStep::tool_executing);
    add(p.tool_completed, EventRole::run_event, GoldenStep::tool_completed);
    add(p.agent_completed, EventRole::run_event, GoldenStep::completed);
    // Names are unique now, so their order only decides how soon a lookup finds one: the run
    // events, the most frequent, first.
    std::stable_partition(types_.begin(), types_.end(), [](const NamedType& type) {
        return type.info.role == EventRole::run_event;
    });
}

void VerifierProfile::add(const std::string& name, EventRole role, GoldenStep step) {
    const bool known = std::any_of(types_.begin(), types_.end(),
                                   [&](const NamedType& type) { return type.name == name; });
    if (known) {
        return;
    }
    EventTypeInfo info;
    info.role = role;
    info.step = step;
    if (const auto required = profile_->required_fields.find(name);
        required != profile_->required_fields.end()) {
        info.required = &required->second;
        for (const std::vector<std::string>& group : required->second) {
            std::vector<std::size_t> slots;
            for (const std::string& field : group) {
                slots.push_back(summarizer_.add_name(field));
            }
            info.required_slots.push_back(std::move(slots));
        }
    }
    types_.push_back(NamedType{name, std::move(info)});
}

const EventTypeInfo& VerifierProfile::info(std::string_view type) const noexcept {
    for (const NamedType& named : types_) {
        if (named.name.size() == type.size() && named.name == type) {
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
        const std::shared_ptr<const VerifierProfile> made = make();
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
