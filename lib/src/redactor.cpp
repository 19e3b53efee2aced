#include "goldenpath/redactor.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include <nlohmann/json.hpp>

#include "goldenpath/secret.hpp"
#include "goldenpath/url.hpp"

namespace goldenpath {

namespace {

constexpr std::string_view kEllipsis = "...";

// The JSON string literal of `text` without its quotes; ensure_ascii writes non-ASCII as \uXXXX.
std::string json_escaped(std::string_view text, bool ensure_ascii) {
    const std::string dumped =
        nlohmann::json(std::string(text))
            .dump(-1, ' ', ensure_ascii, nlohmann::json::error_handler_t::replace);
    return dumped.substr(1, dumped.size() - 2);
}

// Upper-case hex digits in every \uXXXX escape (nlohmann writes lower case, others upper).
std::string upper_unicode_escapes(std::string text) {
    for (std::size_t at = text.find("\\u"); at != std::string::npos;
         at = text.find("\\u", at + 2)) {
        for (std::size_t i = at + 2; i < std::min(at + 6, text.size()); ++i) {
            if (text[i] >= 'a' && text[i] <= 'f') {
                text[i] = static_cast<char>(text[i] - 'a' + 'A');
            }
        }
    }
    return text;
}

std::string replaced_all(std::string text, std::string_view from, std::string_view to) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

// Lower-case hex digits in every %XX escape.
std::string lower_percent_escapes(std::string text) {
    for (std::size_t at = text.find('%'); at != std::string::npos; at = text.find('%', at + 1)) {
        for (std::size_t i = at + 1; i < std::min(at + 3, text.size()); ++i) {
            if (text[i] >= 'A' && text[i] <= 'F') {
                text[i] = static_cast<char>(text[i] - 'A' + 'a');
            }
        }
    }
    return text;
}

std::string xml_escaped(std::string_view text, std::string_view quot, std::string_view apos) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += quot;
                break;
            case '\'':
                out += apos;
                break;
            default:
                out += c;
        }
    }
    return out;
}

// The length of the longest piece of `form` (kMinPartial bytes or more) that is a prefix of
// `form` ending at `end` of `text` (cut after it) or, with `suffix`, a suffix of `form` starting
// at `end` (cut before it); 0 when there is none.
std::size_t partial_at(std::string_view text, std::size_t end, const std::string& form,
                       bool suffix) {
    const std::size_t room = suffix ? text.size() - end : end;
    for (std::size_t length = std::min(form.size(), room); length >= Redactor::kMinPartial;
         --length) {
        const std::string_view piece = suffix ? std::string_view(form).substr(form.size() - length)
                                              : std::string_view(form).substr(0, length);
        const std::string_view there =
            suffix ? text.substr(end, length) : text.substr(end - length, length);
        if (there == piece) {
            return length;
        }
    }
    return 0;
}

}  // namespace

Redactor::Redactor(const std::vector<std::string>& secrets) {
    for (const std::string& secret : secrets) {
        add(secret);
    }
}

std::vector<std::string> Redactor::forms_of(std::string_view secret) {
    std::vector<std::string> forms;
    const auto push = [&forms](std::string form) {
        if (!form.empty() && std::find(forms.begin(), forms.end(), form) == forms.end()) {
            forms.push_back(std::move(form));
        }
    };
    if (secret.empty()) {
        return forms;
    }
    push(std::string(secret));
    const std::string json = json_escaped(secret, false);
    push(json);
    push(replaced_all(json, "/", "\\/"));  // PHP and some others escape '/'
    const std::string json_ascii = json_escaped(secret, true);
    push(json_ascii);
    push(upper_unicode_escapes(json_ascii));
    const std::string percent = percent_encode(secret);
    push(percent);
    push(lower_percent_escapes(percent));
    push(replaced_all(percent, "%2F", "/"));  // a path-style encoder keeps '/'
    push(replaced_all(percent, "%20", "+"));  // form encoding
    for (const auto& [quot, apos] : std::array<std::pair<std::string_view, std::string_view>, 3>{
             {{"&quot;", "&apos;"}, {"&quot;", "&#x27;"}, {"&#34;", "&#39;"}}}) {
        push(xml_escaped(secret, quot, apos));
        push(xml_escaped(json, quot, apos));
    }
    push(json_escaped(json, false));  // a JSON document carried in a JSON string
    return forms;
}

void Redactor::add(std::string_view secret) {
    for (std::string& form : forms_of(secret)) {
        if (std::find(forms_.begin(), forms_.end(), form) == forms_.end()) {
            forms_.push_back(std::move(form));
        }
    }
    // Longest first: at one position the longest form wins.
    std::stable_sort(forms_.begin(), forms_.end(), [](const std::string& a, const std::string& b) {
        return a.size() > b.size();
    });
}

std::string Redactor::redact(std::string text) const {
    if (forms_.empty() || text.empty()) {
        return text;
    }
    std::vector<std::size_t> next(forms_.size());
    bool found = false;
    for (std::size_t i = 0; i < forms_.size(); ++i) {
        next[i] = text.find(forms_[i]);
        found = found || next[i] != std::string::npos;
    }
    if (!found) {
        return text;
    }
    std::string out;
    out.reserve(text.size());
    std::size_t position = 0;
    while (true) {
        std::size_t best = std::string::npos;
        std::size_t which = 0;
        for (std::size_t i = 0; i < forms_.size(); ++i) {
            if (next[i] < best) {  // a tie keeps the earlier, longer form
                best = next[i];
                which = i;
            }
        }
        if (best == std::string::npos) {
            break;
        }
        out.append(text, position, best - position);
        out += Secret::redacted();
        position = best + forms_[which].size();
        for (std::size_t i = 0; i < forms_.size(); ++i) {
            if (next[i] != std::string::npos && next[i] < position) {
                next[i] = text.find(forms_[i], position);
            }
        }
    }
    out.append(text, position);
    return out;
}

std::string Redactor::without_partial_edges(std::string text) const {
    const std::string_view mask = Secret::redacted();
    const auto longest = [this](std::string_view in, std::size_t end, bool suffix) {
        std::size_t best = 0;
        for (const std::string& form : forms_) {
            best = std::max(best, partial_at(in, end, form, suffix));
        }
        return best;
    };
    if (const std::size_t length = longest(text, text.size(), false); length > 0) {
        text.replace(text.size() - length, length, mask);
    }
    if (const std::size_t length = longest(text, 0, true); length > 0) {
        text.replace(0, length, mask);
    }
    for (std::size_t at = text.find(kEllipsis); at != std::string::npos;
         at = text.find(kEllipsis, at + kEllipsis.size())) {
        if (const std::size_t length = longest(text, at, false); length > 0) {
            text.replace(at - length, length, mask);
            at = at - length + mask.size();
        }
        const std::size_t after = at + kEllipsis.size();
        if (const std::size_t length = longest(text, after, true); length > 0) {
            text.replace(after, length, mask);
        }
    }
    return text;
}

std::string Redactor::redact_excerpt(std::string text) const {
    if (forms_.empty()) {
        return text;
    }
    return without_partial_edges(redact(std::move(text)));
}

std::string Redactor::excerpt(std::string_view text, std::size_t max_bytes) const {
    std::string out = redact(std::string(text));
    if (out.size() > max_bytes) {
        std::size_t cut = max_bytes;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0U) == 0x80U) {
            --cut;  // not inside a UTF-8 sequence
        }
        out.resize(cut);
    }
    return forms_.empty() ? out : without_partial_edges(std::move(out));
}

}  // namespace goldenpath
