#include "gateway/core/referral_profile.hpp"

#include "fhir/nhs_number.hpp"

namespace gateway::core {

std::vector<error> check_referral_profile(const referral& r) {
  std::vector<error> issues;
  auto fail = [&](std::string expression, std::string message) {
    issues.push_back(make_error(error_kind::unprocessable, std::move(expression), std::move(message)));
  };
  // The identifier makes a repeated POST idempotent; without it a retry would double-refer.
  if (r.referrer_identifier.system.empty() || r.referrer_identifier.value.empty())
    fail("ServiceRequest.identifier", "a referral identifier with system and value is required");
  if (r.nhs_number.empty())
    fail("ServiceRequest.subject", "the patient's NHS number (system https://fhir.nhs.uk/Id/nhs-number) is required");
  else if (!fhir::is_valid_nhs_number(r.nhs_number))
    // The number itself is not echoed: it is a patient identifier and this text reaches logs.
    fail("ServiceRequest.subject", "the NHS number fails the modulus-11 check");
  if (r.requester_ods.empty())
    fail("ServiceRequest.requester",
         "the requesting organisation's ODS code is required (requester.identifier with system "
         "https://fhir.nhs.uk/Id/ods-organization-code, or a PractitionerRole/Organization carrying it)");
  bool coded = false;
  for (const auto& c : r.reasons) coded = coded || (!c.system.empty() && !c.code.empty());
  if (!coded) fail("ServiceRequest.reasonCode", "at least one coded reason for referral is required");
  return issues;
}

}  // namespace gateway::core
