#include "printable.hpp"

#include <cstddef>
#include <cstdint>

#include <fmt/format.h>

namespace goldenpath::detail {

namespace {

// C1 controls (U+0080-U+009F, e.g. the one-byte CSI), the line and paragraph separators and the
// bidirectional embeddings, overrides and isolates that reorder what a terminal shows.
bool is_invisible_control(std::uint32_t code_point) {
    return (code_point >= 0x80 && code_point <= 0x9F) || code_point == 0x2028 ||
           code_point == 0x2029 || (code_point >= 0x202A && code_point <= 0x202E) ||
           (code_point >= 0x2066 && code_point <= 0x2069);
}

}  // namespace

// The length of the valid UTF-8 sequence at the start of `text` (shortest form, no surrogates,
// at most U+10FFFF) and its code point; 0 when the bytes there are not one.
std::size_t utf8_sequence(std::string_view text, std::uint32_t& code_point) {
    const auto byte = [&text](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    const unsigned char lead = byte(0);
    std::size_t length = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        code_point = lead & 0x1FU;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        code_point = lead & 0x0FU;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        code_point = lead & 0x07U;
    } else {
        return 0;
    }
    if (text.size() < length) {
        return 0;
    }
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xC0U) != 0x80U) {
            return 0;
        }
        code_point = (code_point << 6U) | (byte(i) & 0x3FU);
    }
    const bool overlong =
        (length == 3 && code_point < 0x800) || (length == 4 && code_point < 0x10000);
    const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (overlong || surrogate || code_point > 0x10FFFF) {
        return 0;
    }
    return length;
}

std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x20 && byte < 0x7F) {
            out += text[i];
            ++i;
            continue;
        }
        if (byte == '\n') {
            out += "\\n";
        } else if (byte == '\r') {
            out += "\\r";
        } else if (byte == '\t') {
            out += "\\t";
        } else if (byte < 0x80) {
            out += fmt::format("\\x{:02x}", static_cast<unsigned>(byte));
        } else {
            std::uint32_t code_point = 0;
            const std::size_t length = utf8_sequence(text.substr(i), code_point);
            if (length == 0) {
                out += fmt::format("\\x{:02x}", static_cast<unsigned>(byte));
            } else if (is_invisible_control(code_point)) {
                out += fmt::format("\\u{:04x}", code_point);
                i += length;
                continue;
            } else {
                out.append(text.substr(i, length));
                i += length;
                continue;
            }
        }
        ++i;
    }
    return out;
}

std::string valid_utf8(std::string text) {
    std::size_t i = 0;
    while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) {
        ++i;
    }
    if (i == text.size()) {
        return text;  // ASCII, the common case: no copy
    }
    std::string out(text, 0, i);
    out.reserve(text.size() + 16);
    while (i < text.size()) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            out += text[i++];
            continue;
        }
        std::uint32_t code_point = 0;
        const std::size_t length = utf8_sequence(std::string_view(text).substr(i), code_point);
        if (length == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(text, i, length);
            i += length;
        }
    }
    return out;
}

}  // namespace goldenpath::detail
