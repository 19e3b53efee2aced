#include "event_summarizer.hpp"

#include <algorithm>
#include <array>
#include <cstring>
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
    // Strings are shown without a copy: summaries are made for every received frame.
    std::string dumped;
    const std::string_view text = value.is_string()
                                      ? std::string_view(value.get_ref<const std::string&>())
                                      : std::string_view(dumped = json_text(value));
    const bool cut = text.size() > kSummaryValueLength;
    const std::string_view shown = cut ? utf8_prefix(text, kSummaryValueLength - 3) : text;
    // Grown once and written in place: four appends cost twice as much, per field of every frame.
    const std::size_t at = out.size();
    out.resize(at + 2 + name.size() + 2 + shown.size() + (cut ? 3 : 0));
    char* to = out.data() + at;
    const auto write = [&to](std::string_view piece) {
        std::memcpy(to, piece.data(), piece.size());
        to += piece.size();
    };
    write(first ? " {" : ", ");
    write(name);
    write(": ");
    write(shown);
    if (cut) {
        write("...");
    }
    first = false;
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
        const std::size_t slot = add_name(name);
        step_slots_.push_back(slot);
        if (slot < kMaxScannedFields) {
            step.slots |= std::uint32_t{1} << slot;
        }
    }
    step.end = step_slots_.size();
    step.slots_from_here = step.slots;
    for (Step& earlier : steps_) {
        earlier.slots_from_here |= step.slots;
    }
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

const nlohmann::json* EventFields::looked_up(std::size_t slot) const {
    return profile_->find_field(event_->body, (*names_)[slot]);
}

EventFields::EventFields(const Event& event, const EventSummarizer& summarizer)
    : event_(&event), profile_(summarizer.profile_), names_(&summarizer.names_) {
    const nlohmann::json& body = event.body;
    const std::vector<std::string>& containers = profile_->detail_containers;
    if (names_->size() > kMaxScannedFields || containers.size() > EventSummarizer::kMaxContainers ||
        !body.is_object()) {
        return;
    }
    // A name's value is its first non-null one in the detail containers (objects, in order),
    // then at the root: ProtocolProfile::find_field's precedence. One pass over the root finds
    // the containers and the names at the root; the root's are used after the containers'.
    std::array<const nlohmann::json*, EventSummarizer::kMaxContainers> holders{};
    // Not zeroed: only the first at_root_count are read.
    std::array<std::uint32_t, kMaxScannedFields> root_slots;
    std::array<const nlohmann::json*, kMaxScannedFields> root_values;
    std::size_t at_root_count = 0;
    for (const auto& [key, value] : body.get_ref<const nlohmann::json::object_t&>()) {
        if (value.is_null()) {
            continue;
        }
        const std::size_t bucket = EventSummarizer::key_bucket(key);
        if (value.is_object() && summarizer.may_be_container(bucket)) {
            for (std::size_t i = 0; i < containers.size(); ++i) {
                if (containers[i] == key) {
                    holders[i] = &value;
                }
            }
        }
        const std::uint32_t slot = summarizer.slot_of(key, bucket);
        if (slot != EventSummarizer::kNoSlot) {
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
            const std::uint32_t slot = summarizer.slot_of(key, EventSummarizer::key_bucket(key));
            if (slot != EventSummarizer::kNoSlot && !has(slot)) {
                found(slot, &value);
            }
        }
    }
    for (std::size_t i = 0; i < at_root_count; ++i) {
        if (!has(root_slots[i])) {
            found(root_slots[i], root_values[i]);
        }
    }
    scanned_ = true;
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
    const std::uint32_t found = fields.found_slots_;
    for (const Step& step : steps_) {
        // Most events have one or two of the summary's fields, or none: stop after the last.
        if ((step.slots_from_here & found) == 0) {
            break;
        }
        if ((step.slots & found) == 0) {
            continue;
        }
        for (std::size_t i = step.begin; i < step.end; ++i) {
            const std::size_t slot = step_slots_[i];
            if (fields.has(static_cast<std::uint32_t>(slot))) {
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
