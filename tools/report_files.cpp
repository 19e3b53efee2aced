#include "report_files.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace goldenpath::cli {

namespace {

struct FileCloser {
    void operator()(std::FILE* file) const noexcept { std::fclose(file); }
};

[[noreturn]] void fail(std::string_view flag, const std::string& path, int error) {
    throw ReportFileError(fmt::format("{}: cannot write \"{}\": {}", flag, path,
                                      error != 0 ? std::strerror(error) : "write failed"));
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the well-formed UTF-8 sequence at `text[i]` and its code point; 0 when the bytes
// there are not UTF-8 (overlong forms, surrogates and values above U+10FFFF included).
std::size_t utf8_sequence(std::string_view text, std::size_t i, char32_t& code_point) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
    const unsigned char lead = byte(0);
    std::size_t length = 0;
    char32_t min = 0;
    if (lead < 0x80) {
        code_point = lead;
        return 1;
    }
    if ((lead & 0xE0U) == 0xC0U) {
        length = 2;
        code_point = lead & 0x1FU;
        min = 0x80;
    } else if ((lead & 0xF0U) == 0xE0U) {
        length = 3;
        code_point = lead & 0x0FU;
        min = 0x800;
    } else if ((lead & 0xF8U) == 0xF0U) {
        length = 4;
        code_point = lead & 0x07U;
        min = 0x10000;
    } else {
        return 0;
    }
    if (i + length > text.size()) {
        return 0;
    }
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(k) & 0xC0U) != 0x80U) {
            return 0;
        }
        code_point = (code_point << 6U) | (byte(k) & 0x3FU);
    }
    const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (code_point < min || code_point > 0x10FFFF || surrogate) {
        return 0;
    }
    return length;
}

bool allowed_in_xml(char32_t c) {
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

}  // namespace

void write_report_file(const std::string& path, std::string_view content, std::string_view flag) {
    errno = 0;
    std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "wb"));
    if (!file) {
        fail(flag, path, errno);
    }
    if (std::fwrite(content.data(), 1, content.size(), file.get()) != content.size() ||
        std::fflush(file.get()) != 0) {
        fail(flag, path, errno);
    }
    // fclose reports what the last write-back found (NFS, quotas); it closes even when it fails.
    if (std::fclose(file.release()) != 0) {
        fail(flag, path, errno);
    }
}

std::string xml_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        char32_t c = 0;
        const std::size_t length = utf8_sequence(text, i, c);
        if (length == 0) {
            out += kReplacement;
            ++i;
            continue;
        }
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':  // also keeps "]]>" out of the text
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            // Character references, so attribute values keep them (parsers normalise raw ones).
            case '\t':
                out += "&#9;";
                break;
            case '\n':
                out += "&#10;";
                break;
            case '\r':
                out += "&#13;";
                break;
            default:
                if (allowed_in_xml(c)) {
                    out.append(text.substr(i, length));
                } else {
                    out += fmt::format("\\u{:04X}", static_cast<std::uint32_t>(c));
                }
        }
        i += length;
    }
    return out;
}

std::string junit_xml(const std::vector<JourneyResult>& results) {
    std::size_t failures = 0;
    std::string cases;
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& result = results[i];
        const double seconds = result.timings.completion_ms.value_or(0) / 1000.0;
        cases += fmt::format(
            R"(    <testcase classname="goldenpath.probe" name="journey_{}" time="{:.6f}">)", i,
            seconds);
        if (result.failure) {
            ++failures;
            cases +=
                fmt::format(R"(<failure message="{}">{}</failure>)",
                            xml_text(result.failure->kind_label()), xml_text(result.to_string()));
        }
        cases += "</testcase>\n";
    }
    return fmt::format(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<testsuites>\n  <testsuite name=\"goldenpath-probe\" tests=\"{}\" failures=\"{}\">\n{}"
        "  </testsuite>\n</testsuites>\n",
        results.size(), failures, cases);
}

}  // namespace goldenpath::cli
