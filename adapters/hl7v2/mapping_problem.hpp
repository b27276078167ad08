#pragma once
// Why a v2 message could not be mapped, as a value: the field it is about, the HL7 error code for
// the ACK's ERR segment (table 0357) and a sentence for the sender. Never carries field content.
//
// Thread safety: a plain value.
#include <string>

#include "adapters/hl7v2/ack_message.hpp"
#include "adapters/hl7v2/er7_location.hpp"

namespace gateway::hl7v2 {

struct mapping_problem {
  location at;
  hl7_error_code code = hl7_error_code::data_type;
  std::string text;
};

}  // namespace gateway::hl7v2
