#pragma once
// REF^I12 (patient referral) -> the FHIR transaction Bundle the FHIR intake takes: the
// ServiceRequest with its Patient, the requester Organization (and Practitioner with
// PractitionerRole when PRD names the referring provider), a Condition per DG1 and an Observation
// per OBX, linked by urn:uuid: references. The Bundle then goes through exactly the same use case
// as a FHIR transaction, so validation, the referral profile (NHS number check digit), triage
// (PHQ-9 item 9 -> urgent), storage, Task and events are identical.
//
// Each field's mapping is one row of the table in ref_i12_rules.cpp, shown in README.md.
//
// check_ref_i12_header is what decides AR (cannot process: wrong message type, event, processing
// id, version, no control id); map_ref_i12 returns AE problems (content). v2_location_of names the
// v2 field a FHIR validation issue of the Bundle came from, so an OperationOutcome expression
// becomes an ERR location.
//
// Thread safety: pure functions.
#include <rapidjson/document.h>
#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/hl7v2/er7_message.hpp"
#include "adapters/hl7v2/mapping_problem.hpp"

namespace gateway::hl7v2 {

struct ref_i12_context {
  std::string requester_ods;  // the sender's organisation, from its certificate or MSH-4 + address
};

// Which segment (occurrence) a Bundle entry was built from.
struct entry_source {
  std::string resource_type;
  std::string segment;
  std::size_t sequence = 1;
};

struct v2_referral {
  rapidjson::Document bundle;         // type transaction, entries POST with urn:uuid: fullUrls
  std::vector<entry_source> sources;  // sources[i] for bundle.entry[i]
  std::size_t service_request = 0;    // the ServiceRequest's entry
};

using ref_i12_result = boost::system::result<v2_referral, mapping_problem>;

// The versions whose REF^I12 fields this mapping reads the same way.
bool supported_v2_version(std::string_view version);

std::optional<mapping_problem> check_ref_i12_header(const message& m);

ref_i12_result map_ref_i12(const message& m, const ref_i12_context& context);

// "Bundle.entry[1].resource.identifier[0].value" -> PID-3; an expression outside the entries, or
// an element no row maps, names the entry's segment (or the message).
location v2_location_of(const v2_referral& referral, std::string_view expression);

}  // namespace gateway::hl7v2
