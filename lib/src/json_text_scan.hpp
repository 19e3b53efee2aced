#pragma once
// Scanning JSON text byte by byte outside its strings, without parsing it: for checks that run
// before or beside a parser (nesting depth, how a number is written).

#include <cstddef>
#include <string_view>

namespace goldenpath::detail {

// Calls `visit(i)` for the index of each byte outside strings (a string's quotes are inside it),
// in order, and stops at the first call that returns true: whether one did. Escapes are honoured;
// a text that is not JSON is scanned all the same.
template <class Visit>
bool any_byte_outside_strings(std::string_view text, Visit visit) {
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_string = false;
            }
        } else if (c == '"') {
            in_string = true;
        } else if (visit(i)) {
            return true;
        }
    }
    return false;
}

}  // namespace goldenpath::detail
