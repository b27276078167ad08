// libFuzzer target over the HL7 v2 entry path: ER7 parsing (limits, escapes, character sets),
// decoding every value, writing the message back, the ACK for it, and the REF^I12 mapping with
// its FHIR-expression back-mapping. Any crash or sanitizer report is a bug, and so is a parsed
// message that does not write back byte for byte.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "adapters/hl7v2/ack_message.hpp"
#include "adapters/hl7v2/er7_parser.hpp"
#include "adapters/hl7v2/ref_i12_mapping.hpp"

namespace hl7v2 = gateway::hl7v2;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  hl7v2::parse_limits limits;
  limits.max_bytes = 256 * 1024;
  auto parsed = hl7v2::parse_er7(text, limits);
  if (!parsed) {
    (void)parsed.error().text();
    hl7v2::ack_input in;
    in.answered = hl7v2::header_from_text(text);
    in.code = hl7v2::ack_code::ar;
    in.problems.push_back({parsed.error().at, hl7v2::hl7_error_code::data_type, parsed.error().problem});
    if (!hl7v2::parse_er7(hl7v2::build_ack(in))) std::abort();  // our answer must always parse
    return 0;
  }
  const hl7v2::message& m = *parsed;
  if (m.serialise() != text) std::abort();
  for (const hl7v2::segment& s : m.segments()) {
    for (std::size_t f = 1; f <= s.field_count(); ++f) {
      for (std::size_t r = 1; r <= s.repetition_count(f); ++r) {
        for (std::size_t c = 1; c <= s.component_count(f, r); ++c) (void)m.decode(s.raw(f, r, c, 1));
      }
    }
  }
  hl7v2::ack_input in;
  in.answered = hl7v2::header_of(m);
  if (!hl7v2::parse_er7(hl7v2::build_ack(in))) std::abort();
  if (!hl7v2::check_ref_i12_header(m)) {
    auto mapped = hl7v2::map_ref_i12(m, {"A81001"});
    if (mapped) {
      (void)hl7v2::v2_location_of(*mapped, "Bundle.entry[1].resource.identifier[0].value");
      (void)hl7v2::v2_location_of(*mapped, "Bundle.entry[0].resource.subject.identifier.value");
    }
  }
  return 0;
}
