#pragma once
// The platform's referral profile: R4 validation of a ServiceRequest against the profile
// StructureDefinition in fhir/definitions/referral-servicerequest.json (identifier with system
// and value, status/intent value sets, subject to Patient, requester, authoredOn), plus the rules
// only code can say:
//   - a reason: reasonCode or reasonReference;
//   - status `active`; `draft` only when options.validate_only ($validate); for an update
//     (PUT), the caller's own set instead (options.accepted_statuses, e.g. active, on-hold, revoked);
//   - the subject resolves to a Patient (contained "#id", a Bundle entry, a resolver, or a logical
//     reference with subject.identifier) carrying an NHS number
//     (https://fhir.nhs.uk/Id/nhs-number) of ten digits with a valid modulus-11 check digit.
// Thread-safety: as fhir::validator (read-only over r4_model()).

#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "fhir/outcome.hpp"

namespace fhir {

inline constexpr std::string_view referral_profile_url =
    "https://referral-gateway.example.org/fhir/StructureDefinition/referral-servicerequest";

struct referral_profile_options {
  bool validate_only = false;  // $validate: also accept status "draft"
  // When not empty, the statuses accepted instead of the profile's referral-status value set
  // (which holds the statuses a referral may *arrive* with): an update may also put a referral
  // on hold or revoke it. Any other status is an error naming ServiceRequest.status.
  std::vector<std::string_view> accepted_statuses;
  std::size_t issue_cap = default_issue_cap;
};

// Finds a resource a reference points to (for example a "urn:uuid:" Bundle entry or an already
// stored Patient); nullptr when unknown. Called synchronously during validation.
using resource_resolver = std::function<const rapidjson::Value*(std::string_view reference)>;

// A standalone ServiceRequest (contained Patient, logical NHS-number reference, or `resolve`).
outcome validate_referral(const rapidjson::Value& service_request, const referral_profile_options& options = {},
                          const resource_resolver& resolve = {});

// The ServiceRequest at Bundle.entry[entry_index].resource; references resolve against the
// Bundle's fullUrls (urn:uuid: in a transaction). Expressions start "Bundle.entry[i].resource".
// Only that entry is checked; validate the whole Bundle with fhir::validate() as well.
outcome validate_referral_in_bundle(const rapidjson::Value& bundle, std::size_t entry_index,
                                    const referral_profile_options& options = {});

}  // namespace fhir
