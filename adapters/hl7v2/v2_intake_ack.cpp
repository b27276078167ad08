#include "adapters/hl7v2/v2_intake_ack.hpp"

#include "adapters/hl7v2/feedback_v2.hpp"
#include "adapters/hl7v2/v2_datatypes.hpp"
#include "gateway/core/fhir_time.hpp"

namespace gateway::hl7v2 {
namespace {

hl7_error_code code_for(fhir::issue_code code) {
  switch (code) {
    case fhir::issue_code::required:
      return hl7_error_code::required_field_missing;
    case fhir::issue_code::code_invalid:
      return hl7_error_code::table_value_not_found;
    case fhir::issue_code::not_found:
      return hl7_error_code::unknown_key;
    case fhir::issue_code::processing:
      return hl7_error_code::internal_error;
    default:
      return hl7_error_code::data_type;
  }
}

}  // namespace

std::vector<ack_problem> problems_from_issues(const v2_referral& referral, const fhir::outcome& issues) {
  std::vector<ack_problem> out;
  std::size_t errors = 0;
  for (const fhir::issue& i : issues.issues) {
    if (i.severity != fhir::severity::error) continue;
    if (++errors > max_ack_problems) continue;
    out.push_back({v2_location_of(referral, i.expression), code_for(i.code), i.diagnostics});
  }
  if (errors > max_ack_problems) {
    out.back().text += " (and " + std::to_string(errors - max_ack_problems) + " more problems)";
  }
  return out;
}

ack_problem problem_of(const mapping_problem& p) {
  return ack_problem{p.at, p.code, p.text};
}

ack_problem problem_of(const er7_error& e) {
  const bool structure = e.code == er7_errc::not_a_message || e.code == er7_errc::bad_segment_id ||
                         e.code == er7_errc::empty_message || e.code == er7_errc::too_many_segments;
  std::string text = e.problem;
  text.append(" (byte ").append(std::to_string(e.offset)).append(")");
  return ack_problem{e.at, structure ? hl7_error_code::segment_sequence : hl7_error_code::data_type, std::move(text)};
}

std::string ack_control_id(std::string_view sender_organisation, std::string_view message_control_id) {
  std::string seed(sender_organisation);
  seed += '|';
  seed += message_control_id;
  return control_id_for(seed, 1);
}

std::string hl7_time(std::chrono::system_clock::time_point t) {
  return dtm_from_fhir(core::format_instant(t)).value_or(std::string());
}

}  // namespace gateway::hl7v2
