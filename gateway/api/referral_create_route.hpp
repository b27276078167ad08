#pragma once
// POST /ServiceRequest: a referrer's new referral, validated (R4, then the referral profile),
// normalised, triaged and stored with its Patient, Task, triage event and AuditEvent in one
// transaction. Repeats of a referral identifier (sequential, concurrent, or If-None-Exist) answer
// 200 with the stored referral and create nothing.
// The handler only reads the request (body, If-None-Exist) and calls app::referral_create_service
// (gateway/app/referral_create.hpp), where these rules live; the result or refusal becomes the answer
// (fhir_response.hpp).
#include "gateway/api/app_context.hpp"
#include "gateway/api/route_table.hpp"

namespace gateway::api {

void register_referral_create_route(route_table& routes, const app_context& context);

}  // namespace gateway::api
