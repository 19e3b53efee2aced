#include "event_summarizer.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "json_reader.hpp"

namespace goldenpath::detail {

namespace {

constexpr std::size_t kSummaryValueLength = 40;

}  // namespace

std::string_view utf8_prefix(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) {
        return text;
    }
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) {
        --cut;
    }
    return text.substr(0, cut);
}

void append_summary_field(std::string& out, bool& first, std::string_view name,
                          const nlohmann::json& value) {
    out += first ? " {" : ", ";
    first = false;
    out += name;
    out += ": ";
    // Strings are appended without a copy: summaries are made for every received frame.
    std::string dumped;
    const std::string_view text = value.is_string()
                                      ? std::string_view(value.get_ref<const std::string&>())
                                      : std::string_view(dumped = json_text(value));
    if (text.size() <= kSummaryValueLength) {
        out += text;
    } else {
        out += utf8_prefix(text, kSummaryValueLength - 3);
        out += "...";
    }
}

EventSummarizer::EventSummarizer(const ProtocolProfile& profile) : profile_(&profile) {
    first_slot_by_bucket_.fill(kNoSlot);
    // The fields of Event::summary, in its order.
    add_step({profile.tool_name_field});
    add_step({"agent_name"});
    add_step(profile.tool_call_id_fields);
    add_step({"status"});
    for (const std::string& field : profile.error_message_fields) {
        add_step({field});
    }
    for (const std::string& container : profile.detail_containers) {
        const std::size_t bit = key_bucket(container);
        container_bits_[bit / 64] |= std::uint64_t{1} << (bit % 64);
    }
}

void EventSummarizer::add_step(const std::vector<std::string>& names) {
    Step step;
    step.begin = step_slots_.size();
    for (const std::string& name : names) {
        step_slots_.push_back(add_name(name));
    }
    step.end = step_slots_.size();
    steps_.push_back(step);
}

std::size_t EventSummarizer::add_name(const std::string& name) {
    const auto known = std::find(names_.begin(), names_.end(), name);
    if (known != names_.end()) {
        return static_cast<std::size_t>(known - names_.begin());
    }
    const auto slot = static_cast<std::uint32_t>(names_.size());
    names_.push_back(name);
    const std::size_t bucket = key_bucket(name);
    next_slot_in_bucket_.push_back(first_slot_by_bucket_[bucket]);
    first_slot_by_bucket_[bucket] = slot;
    return slot;
}

const nlohmann::json* EventFields::get(std::size_t slot) const {
    return scanned_ ? found_[slot] : profile_->find_field(event_->body, (*names_)[slot]);
}

EventFields EventSummarizer::fields(const Event& event) const {
    EventFields fields(event, *profile_, names_);
    const nlohmann::json& body = event.body;
    if (names_.size() > kMaxScannedFields || profile_->detail_containers.size() > kMaxContainers ||
        !body.is_object()) {
        return fields;
    }
    // A name's value is its first non-null one in the detail containers (objects, in order),
    // then at the root: ProtocolProfile::find_field's precedence. One pass over the root finds
    // the containers and the names at the root; the root's are used after the containers'.
    const std::vector<std::string>& containers = profile_->detail_containers;
    std::array<const nlohmann::json*, kMaxContainers> holders{};
    // Not zeroed: only the first at_root_count are read.
    std::array<std::uint32_t, kMaxScannedFields> root_slots;
    std::array<const nlohmann::json*, kMaxScannedFields> root_values;
    std::size_t at_root_count = 0;
    for (const auto& [key, value] : body.get_ref<const nlohmann::json::object_t&>()) {
        if (value.is_null()) {
            continue;
        }
        if (value.is_object() && may_be_container(key)) {
            for (std::size_t i = 0; i < containers.size(); ++i) {
                if (containers[i] == key) {
                    holders[i] = &value;
                }
            }
        }
        const std::uint32_t slot = slot_of(key);
        if (slot != kNoSlot) {
            root_slots[at_root_count] = slot;
            root_values[at_root_count] = &value;
            ++at_root_count;
        }
    }
    for (std::size_t i = 0; i < containers.size(); ++i) {
        if (holders[i] == nullptr) {
            continue;
        }
        for (const auto& [key, value] : holders[i]->get_ref<const nlohmann::json::object_t&>()) {
            if (value.is_null()) {
                continue;
            }
            const std::uint32_t slot = slot_of(key);
            if (slot != kNoSlot && fields.found_[slot] == nullptr) {
                fields.found_[slot] = &value;
            }
        }
    }
    for (std::size_t i = 0; i < at_root_count; ++i) {
        if (fields.found_[root_slots[i]] == nullptr) {
            fields.found_[root_slots[i]] = root_values[i];
        }
    }
    fields.scanned_ = true;
    return fields;
}

std::string EventSummarizer::summary(const EventFields& fields) const {
    const Event& event = fields.event();
    if (!fields.scanned_) {
        return event.summary(*profile_);
    }
    std::string out;
    out.reserve(event.type.size() + 64);
    out += event.type;
    bool first = true;
    for (const Step& step : steps_) {
        for (std::size_t i = step.begin; i < step.end; ++i) {
            const std::size_t slot = step_slots_[i];
            if (fields.found_[slot] != nullptr) {
                append_summary_field(out, first, names_[slot], *fields.found_[slot]);
                break;
            }
        }
    }
    if (!first) {
        out += '}';
    }
    return out;
}

}  // namespace goldenpath::detail
