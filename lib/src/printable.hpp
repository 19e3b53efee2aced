#pragma once

#include <string>
#include <string_view>

namespace goldenpath::detail {

// `text` safe to print on one human line, whatever a server put in it: C0 controls (NUL, ESC,
// CR, LF, ...) and DEL as \n, \r, \t or \xNN, C1 controls and the bidirectional overrides as
// \uXXXX, bytes that are not valid UTF-8 as \xNN; valid UTF-8 is kept. So no server text can end
// a line (and forge a "verdict: PASS" line), move the cursor or colour the terminal.
std::string printable(std::string_view text);

// `text` with every byte that is not valid UTF-8 replaced by U+FFFD and nothing else changed, so
// that a JSON document holding it can always be written (nlohmann's dump() throws otherwise).
std::string valid_utf8(std::string text);

}  // namespace goldenpath::detail
