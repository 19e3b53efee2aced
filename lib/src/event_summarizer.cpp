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
    // The fields of Event::summary, in its order.
    add_step({profile.tool_name_field});
    add_step({"agent_name"});
    add_step(profile.tool_call_id_fields);
    add_step({"status"});
    for (const std::string& field : profile.error_message_fields) {
        add_step({field});
    }
    fast_ = names_.size() <= kMaxNames && profile.detail_containers.size() <= kMaxContainers;
}

void EventSummarizer::add_step(const std::vector<std::string>& names) {
    Step step;
    step.begin = step_slots_.size();
    for (const std::string& name : names) {
        step_slots_.push_back(slot_of(name));
    }
    step.end = step_slots_.size();
    steps_.push_back(step);
}

std::size_t EventSummarizer::slot_of(const std::string& name) {
    const auto known = std::find(names_.begin(), names_.end(), name);
    if (known != names_.end()) {
        return static_cast<std::size_t>(known - names_.begin());
    }
    names_.push_back(name);
    return names_.size() - 1;
}

std::string EventSummarizer::summary(const Event& event) const {
    const nlohmann::json& body = event.body;
    if (!fast_ || !body.is_object()) {
        return event.summary(*profile_);
    }
    // A name's value is its first non-null one in the detail containers (non-empty objects, in
    // order), then at the root: ProtocolProfile::find_field's precedence.
    std::array<const nlohmann::json*, kMaxNames> found{};
    const auto scan = [&](const nlohmann::json& scope) {
        for (const auto& [key, value] : scope.get_ref<const nlohmann::json::object_t&>()) {
            if (value.is_null()) {
                continue;
            }
            for (std::size_t slot = 0; slot < names_.size(); ++slot) {
                if (names_[slot].size() == key.size() && names_[slot] == key) {
                    if (found[slot] == nullptr) {
                        found[slot] = &value;
                    }
                    break;
                }
            }
        }
    };
    for (const std::string& container : profile_->detail_containers) {
        const auto holder = body.find(container);
        if (holder != body.end() && holder->is_object() && !holder->empty()) {
            scan(*holder);
        }
    }
    scan(body);

    std::string out;
    out.reserve(event.type.size() + 64);
    out += event.type;
    bool first = true;
    for (const Step& step : steps_) {
        for (std::size_t i = step.begin; i < step.end; ++i) {
            const std::size_t slot = step_slots_[i];
            if (found[slot] != nullptr) {
                append_summary_field(out, first, names_[slot], *found[slot]);
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
