#pragma once
// FHIR R4 $validate the gateway's way: the one function behind both `POST [base]/$validate`,
// `POST [base]/{type}/$validate` and `gatewayctl validate FILE`, so the two give the same answers.
//
// The body is a bare resource or a `Parameters` resource with parameters
//   - `resource` (exactly one, required): the resource to validate;
//   - `mode` (optional): `create` or `update` (validated as is); `delete` is not supported;
//   - `profile` (optional): the referral profile (fhir::referral_profile_url) or the resource's
//     own base definition (http://hl7.org/fhir/StructureDefinition/{type}); any other profile is
//     reported as a not-supported error issue in the result.
// The checks are the ones intake makes, without storing:
//   1. FHIR R4 (fhir::validate: structure, datatypes, cardinality, bindings, references,
//      invariants, contained resources and Bundle entries);
//   2. a ServiceRequest (or any resource validated with profile = the referral profile) gets the
//      referral profile with validate_only = true, so `status: draft` is accepted;
//      ServiceRequest entries of a `transaction` or `batch` Bundle get it too (as POST [base]
//      would apply it), with their urn:uuid: references resolved inside the Bundle;
//   3. when 1 and 2 found no error, a ServiceRequest is normalised as intake does, and a failure
//      there is reported as an issue.
// Issues are merged in that order with duplicates (same severity, code, expression and text)
// dropped, and capped at fhir::default_issue_cap.
//
// The value is the validation result (valid or not: R4 $validate answers 200 with it). An error
// means the request itself is wrong and nothing was validated: a body that is not JSON or not a
// JSON object, a malformed Parameters, an unsupported mode (error_kind::invalid), an unknown
// type in the URL (error_kind::not_found), or a resource whose type is not the URL's
// (error_kind::invalid, expression "resourceType").
//
// Thread safety: pure; any number of threads may call it at once (the model is shared read-only).

#include <string_view>

#include "fhir/json_parse.hpp"
#include "fhir/outcome.hpp"
#include "gateway/core/error.hpp"

namespace gateway::core {

struct validate_request {
  std::string_view body;      // the request body or the file's bytes
  std::string_view url_type;  // "ServiceRequest" for POST /ServiceRequest/$validate; empty for /$validate
  fhir::json_limits limits;
  // $validate takes a Parameters wrapper off; `gatewayctl validate FILE` validates a file as the
  // resource it is, so a Parameters file is a Parameters resource there.
  bool unwrap_parameters = true;
};

result<fhir::outcome> validate_operation(const validate_request& request);

}  // namespace gateway::core
