#pragma once
// How goldenpath-probe colours its output: ANSI colours for people at a terminal; plain text for
// pipes, files and NO_COLOR users.

#include <string>
#include <string_view>

namespace goldenpath::cli {

class Style {
  public:
    explicit Style(bool colour) : colour_(colour) {}

    // Colour when stdout is a terminal and NO_COLOR is unset.
    static Style for_stdout();

    std::string pass(std::string_view text) const { return paint("1;32", text); }
    std::string fail(std::string_view text) const { return paint("1;31", text); }
    std::string kind(std::string_view text) const { return paint("1;33", text); }

    // Colours the verdict, failure kinds and SLA outcomes in text made by the library.
    std::string lines(const std::string& text) const;

  private:
    std::string paint(std::string_view code, std::string_view text) const;
    std::string line(std::string_view text) const;

    bool colour_;
};

}  // namespace goldenpath::cli
