#pragma once
// A new referral as a front door hands it to the create service, and the checks it passes before
// the store is asked anything: the platform's referral profile, normalisation, and whether the
// caller may send a referral from this requester. Every front door's referral passes the same
// checks here, so none can store a referral the others would refuse.
//
// Two shapes (both already parsed and R4-valid, fhir::validate):
//   - a standalone ServiceRequest: its Patient contained ("#id") or named by NHS number;
//   - a ServiceRequest with its resources in a Bundle (a FHIR transaction; later a BaRS message):
//     references resolve among the entries' fullUrls, and every refusal names the element under
//     "Bundle.entry[i].resource".
// A front door that maps another format (HL7 v2) builds one of these shapes.
//
// Thread safety: pure; the results point into the submitted documents.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <rapidjson/document.h>

#include "gateway/app/command.hpp"
#include "gateway/app/refusal.hpp"
#include "gateway/core/referral.hpp"
#include "gateway/core/transaction_bundle.hpp"

namespace gateway::app {

struct standalone_referral {
  const rapidjson::Value* service_request = nullptr;
};

struct bundled_referral {
  const rapidjson::Value* bundle = nullptr;             // the Bundle, R4-valid
  const core::transaction_referral* entries = nullptr;  // its entries, read from it
};

using referral_document = std::variant<standalone_referral, bundled_referral>;

// Another resource that arrived with the referral, stored beside it.
struct companion_resource {
  const rapidjson::Value* resource = nullptr;
  std::string full_url;  // its Bundle fullUrl (references to it are rewritten to Type/id)
};

struct checked_referral {
  const rapidjson::Value* service_request = nullptr;
  core::referral normalised;
  const rapidjson::Value* patient = nullptr;  // contained or a Bundle entry; nullptr: NHS number only
  std::string service_request_full_url;
  std::string patient_full_url;
  std::vector<companion_resource> companions;  // Bundle entries other than the ServiceRequest and Patient
};

result<checked_referral> check_referral(const referral_document& document, const caller& who);

}  // namespace gateway::app
