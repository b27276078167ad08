#include "adapters/hl7v2/er7_error.hpp"

namespace gateway::hl7v2 {

std::string_view to_string(er7_errc code) {
  switch (code) {
    case er7_errc::empty_message:
      return "empty-message";
    case er7_errc::message_too_large:
      return "message-too-large";
    case er7_errc::not_a_message:
      return "not-a-message";
    case er7_errc::bad_delimiters:
      return "bad-delimiters";
    case er7_errc::bad_segment_id:
      return "bad-segment-id";
    case er7_errc::too_many_segments:
      return "too-many-segments";
    case er7_errc::too_many_fields:
      return "too-many-fields";
    case er7_errc::too_many_repetitions:
      return "too-many-repetitions";
    case er7_errc::too_many_components:
      return "too-many-components";
    case er7_errc::too_many_subcomponents:
      return "too-many-subcomponents";
    case er7_errc::unterminated_escape:
      return "unterminated-escape";
    case er7_errc::unknown_escape:
      return "unknown-escape";
    case er7_errc::unsupported_escape:
      return "unsupported-escape";
    case er7_errc::bad_hex_escape:
      return "bad-hex-escape";
    case er7_errc::control_character:
      return "control-character";
    case er7_errc::unknown_charset:
      return "unknown-charset";
    case er7_errc::outside_charset:
      return "outside-charset";
    case er7_errc::invalid_utf8:
      return "invalid-utf8";
  }
  return "unknown";
}

std::string er7_error::text() const {
  std::string out = to_string(at);
  out.append(" (byte ").append(std::to_string(offset)).append("): ").append(problem);
  return out;
}

}  // namespace gateway::hl7v2
