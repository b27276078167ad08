#pragma once
// A referrer's feedback message (the FHIR message Bundle the outbox holds, core/feedback_message)
// -> the HL7 v2.5.1 messages a clinic system that speaks only v2 receives:
//   status-update   -> RRI^I12 (RF1 with the referrer's own referral id, PRD for the platform and
//                      the referrer, PID, NTE with the status in words)
//   outcome-report  -> RRI^I12 as above when the Task is completed (the status change), then
//                      ORU^R01 (PID, OBR for the referral, NTE with the outcome summary, one OBX
//                      per score: LOINC code, value, units, status, date)
// Each mapping is one table of rows (feedback_v2_rules.cpp), shown in README.md.
//
// The same Bundle gives the same bytes: MSH-10 is derived from the outbox item id (MessageHeader
// .id) and MSH-7 from Bundle.timestamp, so a retried delivery repeats the same control id and a
// receiver can drop the duplicate. An error says what the Bundle lacks for a v2 message (for
// example no NHS number for PID-3): a permanent condition, never fixed by retrying.
//
// Thread safety: pure functions.
#include <boost/system/result.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gateway::hl7v2 {

struct v2_feedback_settings {
  std::string sending_application = "REFERRAL-GATEWAY";  // MSH-3
  std::string receiving_application;                     // MSH-5 (the referrer's system, when known)
};

struct v2_outgoing {
  std::string control_id;  // MSH-10: what the peer's MSA-2 must echo
  std::string kind;        // "RRI^I12" or "ORU^R01"
  std::string er7;         // the message, segments ended by CR
};

using v2_feedback_result = boost::system::result<std::vector<v2_outgoing>, std::string>;

v2_feedback_result feedback_to_v2(std::string_view fhir_message_json, const v2_feedback_settings& settings);

// MSH-10 for the k-th v2 message of outbox item `item_id` (k from 0): 20 characters (HL7 2.5's
// limit for MSH-10), hex digits derived from the id, stable across rebuilds.
std::string control_id_for(std::string_view item_id, std::size_t k);

}  // namespace gateway::hl7v2
