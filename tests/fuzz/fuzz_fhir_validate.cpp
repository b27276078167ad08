// libFuzzer target over the gateway's entry path for FHIR bodies: parse_json with limits, R4
// validation, the referral profile, and OperationOutcome serialisation. Any crash, sanitizer
// report or invalid OperationOutcome JSON is a bug.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "fhir/json_parse.hpp"
#include "fhir/operation_outcome_json.hpp"
#include "fhir/referral_profile.hpp"
#include "fhir/validator.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  fhir::json_limits limits;
  limits.max_bytes = 1u << 20;
  auto doc = fhir::parse_json(body, limits);
  if (!doc) {
    (void)fhir::to_operation_outcome_json(fhir::to_outcome(doc.error()));
    return 0;
  }
  const fhir::outcome o = fhir::validate(*doc);
  const std::string answer = fhir::to_operation_outcome_json(o);
  if (!fhir::parse_json(answer)) std::abort();  // our answer must always be valid JSON
  fhir::referral_profile_options options;
  options.validate_only = (size % 2) == 0;
  (void)fhir::validate_referral(*doc, options);
  if (doc->IsObject() && doc->HasMember("entry")) (void)fhir::validate_referral_in_bundle(*doc, 0, options);
  return 0;
}
