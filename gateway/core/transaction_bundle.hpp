#pragma once
// A transaction Bundle carrying one referral, read into its parts: the ServiceRequest entry, the
// Patient entry (if any) and the resources that come with the referral. Checks what R4
// validation (fhir::validate) does not:
//   - every entry is a POST (request.method) of its own resource type (request.url), of a type
//     a referral may carry: ServiceRequest, Patient, Practitioner, PractitionerRole,
//     Organization, Condition, Observation, QuestionnaireResponse, DocumentReference, Flag (a
//     risk flag the referrer raised; triage reads it);
//   - a fullUrl, where given, is a urn:uuid: and unique;
//   - exactly one ServiceRequest; at most one Patient, and it is the ServiceRequest's subject;
//   - every urn:uuid: reference in every entry names an entry's fullUrl.
// The first problem found is the error, naming the element as "Bundle.entry[i]...": invalid
// (400) for a Bundle this gateway cannot take as sent, unprocessable (422) for one that is well
// formed but does not make a referral.
//
// Thread safety: pure; the result points into the Bundle, which must outlive it.

#include "gateway/core/error.hpp"

#include <rapidjson/document.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gateway::core {

// True for the resource types a transaction may carry with its referral.
bool transaction_accepts_type(std::string_view resource_type);

struct transaction_entry {
  std::size_t index = 0;  // position in Bundle.entry
  std::string full_url;   // "urn:uuid:...", or "" when the entry has none
  std::string resource_type;
  const rapidjson::Value* resource = nullptr;
  std::string if_none_exist;  // request.ifNoneExist, as sent
};

struct transaction_referral {
  std::vector<transaction_entry> entries;  // every entry, in Bundle order (entries[i].index == i)
  std::size_t service_request = 0;         // index of the ServiceRequest entry
  std::optional<std::size_t> patient;      // index of the Patient entry

  // The entry resource whose fullUrl is `full_url`, or nullptr (the lookup normalisation uses).
  const rapidjson::Value* resolve(std::string_view full_url) const;
};

result<transaction_referral> read_transaction_referral(const rapidjson::Value& bundle);

}  // namespace gateway::core
