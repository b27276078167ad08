#pragma once
// ER7 escape sequences (HL7 v2.5.1 section 2.7): \F\ \S\ \T\ \R\ \E\ (and \P\ with a truncation
// character) for the delimiters, \Xhh..\ for raw bytes, \.br\ for a line break; \H\ \N\ and the
// other formatting commands (.sp .fi .nf .in .ti .sk .ce) are accepted. \Z..\ (locally defined)
// and \C..\ \M..\ (character set switching) are refused rather than misread.
//
// Thread safety: pure functions.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/hl7v2/er7_delimiters.hpp"
#include "adapters/hl7v2/er7_error.hpp"

namespace gateway::hl7v2 {

struct escape_problem {
  std::size_t offset = 0;  // of the escape character that starts the bad sequence, within `raw`
  er7_errc code = er7_errc::unknown_escape;
  std::string problem;
};

// Checks every escape sequence in `raw` (a field or any part of one: a sequence never crosses a
// separator). nullopt when all are well formed and supported.
std::optional<escape_problem> check_escapes(std::string_view raw, const delimiters& d);

// Resolves the escape sequences of a value that passed check_escapes: the bytes meant, still in
// the message's character set. \.br\ and \.sp\ become a line feed; \H\ \N\ and the other
// formatting commands are dropped.
std::string unescape(std::string_view raw, const delimiters& d);

// Text -> ER7 value: delimiters escaped, CR, LF and CRLF as \.br\, other control characters
// (including the MLLP frame bytes 0x0B and 0x1C) as \Xhh\. Bytes above 0x7F pass unchanged.
std::string escape(std::string_view text, const delimiters& d);

}  // namespace gateway::hl7v2
