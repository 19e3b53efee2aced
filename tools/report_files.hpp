#pragma once
// The files goldenpath-probe writes (--json, --junit): their content, always valid whatever the
// server sent, and the writing, where every failed write, flush or close is an error naming the
// file.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "goldenpath/golden_path_journey.hpp"

namespace goldenpath::cli {

// A report file could not be written: "--junit: cannot write "/dev/full": No space left on device".
class ReportFileError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// Writes `content` to `path` (created or truncated); throws ReportFileError naming `flag`, the
// path and the reason when opening, writing, flushing or closing fails.
void write_report_file(const std::string& path, std::string_view content, std::string_view flag);

// `text` as XML 1.0 character data or attribute value: markup escaped, characters XML 1.0
// forbids (NUL and other C0 controls but tab, CR and LF; U+FFFE, U+FFFF) written as visible
// \uXXXX, and every byte that is not UTF-8 replaced by U+FFFD.
std::string xml_text(std::string_view text);

// A JUnit XML report with one testcase per journey.
std::string junit_xml(const std::vector<JourneyResult>& results);

}  // namespace goldenpath::cli
