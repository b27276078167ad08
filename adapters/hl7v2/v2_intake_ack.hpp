#pragma once
// The pieces of a REF^I12 acknowledgement that do not depend on how the referral is stored:
//   - problems_from_issues: the errors of a FHIR OperationOutcome about the mapped Bundle (R4
//     validation, the referral profile, the create use case's refusals) as ERR problems, each
//     named by the v2 field it came from (v2_location_of) - "PID-3: the NHS number is not valid";
//   - ack_control_id: the ACK's own MSH-10, derived from the sender and the message's MSH-10, so
//     the answer to a repeated message is the same ACK, byte for byte, when built from the same
//     stored time;
//   - hl7_time: a time point as HL7 DTM in UTC.
//
// Thread safety: pure functions.
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/hl7v2/ack_message.hpp"
#include "adapters/hl7v2/ref_i12_mapping.hpp"
#include "fhir/outcome.hpp"

namespace gateway::hl7v2 {

inline constexpr std::size_t max_ack_problems = 10;

// Error issues only, in order, at most max_ack_problems (the last one then says more exist).
std::vector<ack_problem> problems_from_issues(const v2_referral& referral, const fhir::outcome& issues);

// The same problem (a parse or mapping error) as the one ERR of an AE or AR.
ack_problem problem_of(const mapping_problem& p);
ack_problem problem_of(const er7_error& e);

std::string ack_control_id(std::string_view sender_organisation, std::string_view message_control_id);

std::string hl7_time(std::chrono::system_clock::time_point t);

}  // namespace gateway::hl7v2
