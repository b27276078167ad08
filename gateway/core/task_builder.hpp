#pragma once
// The Task the gateway creates for each accepted referral: the platform's work item and the
// referrer's view of progress (DESIGN.md §2, issue 4 item 4).
//
//   status=requested, intent=order, code=fulfill, priority from triage,
//   basedOn and focus = the ServiceRequest, for = the patient,
//   requester = the referrer organisation, owner = the platform organisation (both as logical
//   references by ODS code, so no Organization resource has to exist),
//   businessStatus = awaiting-triage (platform business-status code system),
//   input = the first-line triage suggestion (suggested step, flags, matched rules; coded from
//   the triage-suggestion code system) and a note saying it is only a suggestion.
// No id and no meta: the store assigns them.
//
// Thread safety: pure function; the returned document is the caller's.

#include "gateway/core/json_write.hpp"
#include "gateway/core/triage_evaluate.hpp"

#include <rapidjson/document.h>

#include <string>

namespace gateway::core {

struct initial_task_input {
  std::string service_request_reference;  // "ServiceRequest/123"
  std::string patient_reference;          // "Patient/456"
  std::string requester_ods;              // the referring organisation
  std::string platform_ods;               // the organisation that owns the work
  std::string authored_on;                // FHIR instant, when the referral was accepted
  triage_result triage;
};

rapidjson::Document build_initial_task(const initial_task_input& in);

// One Task.input of the triage suggestion: type `kind` (suggested-step | flag | matched-rule) from
// the triage-suggestion code system, valueCode `value`.
rapidjson::Value triage_input(std::string_view kind, std::string_view display, std::string_view value,
                              json::allocator& a);

// The Task note that states the suggestion in words, and that it is only a suggestion.
std::string triage_note(const triage_result& t);

}  // namespace gateway::core
