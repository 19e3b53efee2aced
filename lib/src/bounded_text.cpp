#include "bounded_text.hpp"

#include <functional>

#include <fmt/format.h>

namespace goldenpath::detail {

std::string cut_to_limit(std::string_view text, std::size_t limit) {
    const std::string suffix = fmt::format("... ({} bytes)", text.size());
    std::size_t cut = limit > suffix.size() ? limit - suffix.size() : 0;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) {
        --cut;
    }
    std::string out(text.substr(0, cut));
    out += suffix;
    return out;
}

std::string compact_key(std::string text) {
    constexpr std::size_t kPrefix = 32;
    if (text.size() <= kMaxFieldBytes) {
        return text;
    }
    const std::size_t hash = std::hash<std::string>{}(text);
    return fmt::format("{}...#{:016x}/{}", bounded(text, kPrefix), hash, text.size());
}

std::string bounded_list(const std::vector<std::string>& items) {
    std::string out;
    const std::size_t listed = std::min(items.size(), kMaxListedItems);
    for (std::size_t i = 0; i < listed; ++i) {
        out += i == 0 ? "" : ", ";
        out += items[i];
    }
    if (items.size() > listed) {
        fmt::format_to(std::back_inserter(out), " and {} more", items.size() - listed);
    }
    return out;
}

}  // namespace goldenpath::detail
