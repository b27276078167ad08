#pragma once
// ER7 text -> message (er7_message.hpp), within limits, never throwing on input.
//
//   - The delimiters come from MSH-1 and MSH-2 (four or five encoding characters, all different,
//     none alphanumeric, blank or a control character).
//   - Segments end with CR; LF and CRLF are accepted too, and blank lines between segments are
//     kept as part of the line end so the message is written back byte for byte. A UTF-8 byte
//     order mark before MSH is accepted and kept.
//   - Every segment id is three upper-case letters or digits; one message per text (a second MSH,
//     or a batch header FHS/BHS, is refused).
//   - Escape sequences are checked where they stand (er7_escape.hpp); C0 control characters other
//     than tab are refused inside segments.
//   - MSH-18 decides the character set (er7_charset.hpp): empty means ASCII, or UTF-8 when the
//     message starts with a byte order mark; every byte must be valid in it.
//   - Bounded: bytes, segments, fields per segment, repetitions, components and subcomponents
//     (the nesting depth itself is fixed at four levels by the encoding).
// The first problem found is the error; it names the segment, field and byte offset.
//
// Thread safety: pure function.
#include <cstddef>
#include <string_view>

#include <boost/system/result.hpp>

#include "adapters/hl7v2/er7_message.hpp"

namespace gateway::hl7v2 {

struct parse_limits {
  std::size_t max_bytes = 1024 * 1024;
  std::size_t max_segments = 2'000;
  std::size_t max_fields = 256;  // per segment
  std::size_t max_repetitions = 100;
  std::size_t max_components = 100;
  std::size_t max_subcomponents = 100;
};

using parse_result = boost::system::result<message, er7_error>;

parse_result parse_er7(std::string_view bytes, const parse_limits& limits = {});

}  // namespace gateway::hl7v2
