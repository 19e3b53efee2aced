#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace goldenpath::detail {

// `text` safe to print on one human line, whatever a server put in it: C0 controls (NUL, ESC,
// CR, LF, ...) and DEL as \n, \r, \t or \xNN, C1 controls and the bidirectional overrides as
// \uXXXX, bytes that are not valid UTF-8 as \xNN; valid UTF-8 is kept. So no server text can end
// a line (and forge a "verdict: PASS" line), move the cursor or colour the terminal.
std::string printable(std::string_view text);

// The length (2-4) of the valid multi-byte UTF-8 sequence at the start of `text` (shortest form,
// no surrogates, at most U+10FFFF) and its code point; 0 when the bytes there are not one. The
// one UTF-8 decoder of the core: printable, valid_utf8 and the HTML report's escaping use it.
std::size_t utf8_sequence(std::string_view text, std::uint32_t& code_point);

// `text` with every byte that is not valid UTF-8 replaced by U+FFFD and nothing else changed, so
// that a JSON document holding it can always be written (nlohmann's dump() throws otherwise).
std::string valid_utf8(std::string text);

}  // namespace goldenpath::detail
