#pragma once
// The outcome summary as FHIR resources for the referrer's outcome-report message: one
// Observation per conclusion, coded from the platform's outcome-summary code system
// (config/codesystem-outcome-summary.json), and a Communication carrying the narrative.
//
// Each Observation: status final, code = the conclusion, subject = patient, basedOn = the
// ServiceRequest, effectiveDateTime = the last score's time (the first score's for
// case-at-start), issued = now, derivedFrom = the scores used, and valueBoolean — or, when the
// conclusion is unknown, dataAbsentReason "unknown" with text saying which data is missing.
//
// Thread safety: pure functions; each returned document is the caller's.

#include "gateway/core/code_system.hpp"
#include "gateway/core/outcome_summary.hpp"

#include <rapidjson/document.h>

#include <string>
#include <vector>

namespace gateway::core {

struct outcome_resource_context {
  std::string service_request_reference;  // "ServiceRequest/123"
  std::string patient_reference;          // "Patient/456"
  std::string issued;                     // FHIR instant
};

std::vector<rapidjson::Document> build_outcome_observations(const outcome_summary& s, const code_system& codes,
                                                            const outcome_resource_context& ctx);

rapidjson::Document build_outcome_narrative(const outcome_summary& s, const outcome_resource_context& ctx);

}  // namespace gateway::core
