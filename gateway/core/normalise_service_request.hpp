#pragma once
// FHIR R4 ServiceRequest -> normalised referral.
//
// Where each field comes from (the contract referrers follow; DESIGN.md §3):
// - patient: `subject` is either a contained Patient (`{"reference": "#patient"}`), a logical
//   reference (`{"identifier": {"system": "https://fhir.nhs.uk/Id/nhs-number", ...}}`), or a
//   reference the lookup resolves (a transaction Bundle's `urn:uuid:` Patient entry). The NHS
//   number is the Patient identifier with the NHS number system; birthDate comes from the Patient.
// - requester organisation, first match wins:
//   1. `requester.identifier` with the ODS organisation system (preferred: the ODS code is what
//      access control compares with the caller's certificate, so say it directly);
//   2. `requester.reference` to an Organization (contained or resolvable) with an ODS identifier;
//   3. `requester.reference` to a PractitionerRole whose `organization` has an ODS `identifier`
//      or references such an Organization.
//   A Practitioner alone names no organisation, so it yields none.
// - reasons: `reasonCode[].coding[]`, then the `code.coding[]` of Conditions in `reasonReference`.
// - supporting information: Observations and QuestionnaireResponses named in `supportingInfo`
//   (contained or resolvable), plus contained ones not named there. Observation components
//   (e.g. a PHQ-9 panel's items) become observations of their own. Unresolvable non-contained
//   references are skipped: the referral is still valid without them.
// - every other resource of the referral (`others`: a Bundle's other entries, the Observations
//   and QuestionnaireResponses stored for it) counts too, whether or not supportingInfo names it:
//   a risk answer must not be missed because the sender forgot to list it. Flags and Conditions
//   among any of these give `findings`.
//
// Fails (error_kind::invalid, naming the element) only when the input contradicts itself: not a
// ServiceRequest, a `#id` reference with no such contained resource, a subject that is not a
// Patient, an unknown priority code. Missing-but-required data (NHS number, requester) is the
// referral profile's business (referral_profile.hpp), so `$validate` can report all of it at once.
//
// Thread safety: pure; the lookup is called on the calling thread only.

#include "gateway/core/error.hpp"
#include "gateway/core/referral.hpp"

#include <rapidjson/document.h>

#include <functional>
#include <span>
#include <string_view>

namespace gateway::core {

// Resolves a non-contained reference ("Patient/123", "urn:uuid:...") to a resource, or nullptr.
// The returned value must outlive the normalise_service_request call.
using reference_lookup = std::function<const rapidjson::Value*(std::string_view reference)>;

result<referral> normalise_service_request(const rapidjson::Value& service_request, const reference_lookup& lookup = {},
                                           std::span<const rapidjson::Value* const> others = {});

}  // namespace gateway::core
