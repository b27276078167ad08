#pragma once
// HL7 v2 acknowledgements (original mode), both ways:
//   - build_ack: the gateway's answer to a message it received. MSH swaps sender and receiver,
//     MSH-9 is ACK^<trigger>^ACK, MSA-1 the code, MSA-2 echoes the received MSH-10. Each problem
//     becomes an ERR segment carrying the location twice - ERR-1 (v2.3/2.4 receivers) and ERR-2
//     (v2.5+) - the HL7 error code (table 0357) in ERR-3, severity E in ERR-4 and the sentence in
//     ERR-8; MSA-3 repeats the first sentence for receivers that read only MSA.
//   - read_ack: a peer's answer to a message the gateway sent: code, MSA-2, and the error text.
// Texts never carry field content (patient data), only where and what.
//
// Thread safety: pure functions.
#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/hl7v2/er7_error.hpp"
#include "adapters/hl7v2/er7_location.hpp"
#include "adapters/hl7v2/er7_message.hpp"

namespace gateway::hl7v2 {

enum class ack_code { aa, ae, ar, ca, ce, cr };

std::string_view to_string(ack_code c);  // "AA", "AE", ...
std::optional<ack_code> ack_code_from(std::string_view text);

// HL7 table 0357 (message error condition codes) as used here.
enum class hl7_error_code {
  segment_sequence = 100,
  required_field_missing = 101,
  data_type = 102,
  table_value_not_found = 103,
  unsupported_message_type = 200,
  unsupported_event_code = 201,
  unsupported_processing_id = 202,
  unsupported_version_id = 203,
  unknown_key = 204,
  duplicate_key = 205,
  record_locked = 206,
  internal_error = 207,
};

std::string_view description(hl7_error_code code);  // "Required field missing"

struct ack_problem {
  location at;  // the segment and field the problem is about (ERR-1, ERR-2)
  hl7_error_code code = hl7_error_code::data_type;
  std::string text;  // ERR-8: "the NHS number is not valid: ..."
};

// The header fields an answer needs from the message it answers. From a parsed message use
// header_of; when the message could not be parsed, whatever could be read (possibly nothing).
struct answered_header {
  std::string sending_application, sending_facility;      // MSH-3, MSH-4 of the message
  std::string receiving_application, receiving_facility;  // MSH-5, MSH-6
  std::string trigger;                                    // MSH-9.2, e.g. "I12"
  std::string control_id;                                 // MSH-10
  std::string processing_id = "P";                        // MSH-11
  std::string version = "2.5.1";                          // MSH-12
};

answered_header header_of(const message& m);

// Best effort for a message that did not parse (or a cut frame): MSH-3..MSH-12 read as plain
// text from the first line when it looks like an MSH segment; empty values otherwise.
answered_header header_from_text(std::string_view text);

struct ack_input {
  answered_header answered;
  ack_code code = ack_code::aa;
  std::vector<ack_problem> problems;
  std::string control_id;  // this ACK's own MSH-10
  std::string timestamp;   // MSH-7, HL7 DTM (YYYYMMDDHHMMSS+ZZZZ)
};

std::string build_ack(const ack_input& in);

// A peer's acknowledgement as read by the gateway.
struct received_ack {
  ack_code code = ack_code::aa;
  std::string acknowledged_id;  // MSA-2
  std::string error_text;       // ERR-8 / ERR-3.2 / MSA-3 / ERR-1.4.2, first found, joined per ERR
};

// Errors: the reply does not parse, has no MSA, or MSA-1 is not an acknowledgement code.
boost::system::result<received_ack, std::string> read_ack(std::string_view reply);

}  // namespace gateway::hl7v2
