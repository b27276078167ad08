#pragma once
// POST /Observation, /DocumentReference, /QuestionnaireResponse: the platform's outcomes for a
// referral (PHQ-9 / GAD-7 totals, discharge letters, questionnaires). R4-validated; linked to the
// referral by basedOn (DocumentReference: context.related), which must name a stored
// ServiceRequest (422 naming that element otherwise). Stored owned by the referral's organisation
// so its referrer can read it (register_resource_read_routes for these types), together with an
// outcome-report feedback message (the outcome and the outcome summary) and the AuditEvent.
// 201 with Location. Registers the read/vread/history routes of these types too. A referrer gets 403 for its own
// referral, 404 for another's.
// The handler only reads the request (the body) and calls app::outcome_create_service
// (gateway/app/outcome_create.hpp), where these rules live; the result or refusal becomes the answer
// (fhir_response.hpp).
#include "gateway/api/app_context.hpp"
#include "gateway/api/route_table.hpp"

namespace gateway::api {

void register_outcome_routes(route_table& routes, const app_context& context);

}  // namespace gateway::api
