#pragma once
// POST [base]/$validate and POST [base]/{type}/$validate (FHIR R4 Resource-validate): the body (a
// resource, or Parameters with `resource` and optional `mode`/`profile`) gets the checks intake
// makes, nothing is stored, and the answer is an OperationOutcome with 200 whether the resource is
// valid or not ("All OK" when there is nothing to report). 4xx only when the request itself is
// wrong: not JSON, bad Parameters, unknown type in the URL (404), or a resource of another type
// than the URL names (400). The checks are gateway::core::validate_operation, shared with
// `gatewayctl validate`.
#include "gateway/api/app_context.hpp"
#include "gateway/api/route_table.hpp"

namespace gateway::api {

inline constexpr const char* validate_operation_definition =
    "http://hl7.org/fhir/OperationDefinition/Resource-validate";

// Registers /$validate, /{type}/$validate, and /TYPE/$validate for each of `listed_types` (the
// same handler; the literal routes put the operation on those types in the CapabilityStatement).
void register_validate_routes(route_table& routes, const app_context& context,
                              const std::vector<std::string>& listed_types = {"ServiceRequest"});

}  // namespace gateway::api
