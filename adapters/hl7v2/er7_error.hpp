#pragma once
// What can be wrong with an HL7 v2 message as ER7 text, as a value: the kind, where (segment,
// field, ... and the byte offset in the message) and a sentence for the sender. Parsing never
// throws on input.
//
// Thread safety: plain values.
#include <cstddef>
#include <string>
#include <string_view>

#include "adapters/hl7v2/er7_location.hpp"

namespace gateway::hl7v2 {

enum class er7_errc {
  empty_message,           // nothing but line ends
  message_too_large,       // more bytes than parse_limits::max_bytes
  not_a_message,           // does not start with MSH (or starts with a batch header)
  bad_delimiters,          // MSH-1/MSH-2 unusable: repeated, alphanumeric, missing
  bad_segment_id,          // a segment id is not three upper-case letters or digits
  too_many_segments,       // parse_limits::max_segments
  too_many_fields,         // parse_limits::max_fields in one segment
  too_many_repetitions,    // parse_limits::max_repetitions in one field
  too_many_components,     // parse_limits::max_components in one repetition
  too_many_subcomponents,  // parse_limits::max_subcomponents in one component
  unterminated_escape,     // an escape character without its closing one
  unknown_escape,          // \Q\ and other sequences HL7 does not define
  unsupported_escape,      // defined but not supported here: \Z..\ (local), \C..\ \M..\ (character set switching)
  bad_hex_escape,          // \X..\ with an odd number of digits or a non-hex digit
  control_character,       // a C0 control character (other than tab) inside a segment
  unknown_charset,         // MSH-18 names a character set this gateway does not read
  outside_charset,         // a byte the declared character set (MSH-18) does not allow
  invalid_utf8,            // MSH-18 says UNICODE UTF-8 and the bytes are not
};

// A short name for logs and tests: "unterminated-escape".
std::string_view to_string(er7_errc code);

struct er7_error {
  er7_errc code = er7_errc::not_a_message;
  location at;             // where; at.segment is empty for message-level problems
  std::size_t offset = 0;  // byte offset in the message as received
  std::string problem;     // for the sender: "escape sequence \\Q\\ is not defined by HL7"

  // "PID-3 (byte 212): escape sequence ... " — never quotes field content.
  std::string text() const;
};

}  // namespace gateway::hl7v2
