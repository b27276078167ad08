#pragma once
// PUT /ServiceRequest/{id}: a referrer updates one of its own referrals (another organisation's
// id answers 404, as a missing one), or cancels it with status=revoked. If-Match honoured (412 on
// a stale version). The body passes R4 and the referral profile with the update statuses (active,
// on-hold, revoked); the referral identifier and the patient may not change, and the subject stays
// the stored Patient. Revoking cancels the Task in the same transaction and writes a
// referral.cancelled event; other updates re-run triage and write referral.updated (core
// plan_referral_update). 200 with the stored referral, ETag and Last-Modified.
// The handler only reads the request (body, If-Match) and calls app::referral_update_service
// (gateway/app/referral_update.hpp), where these rules live; the result or refusal becomes the answer
// (fhir_response.hpp).
#include "gateway/api/app_context.hpp"
#include "gateway/api/route_table.hpp"

namespace gateway::api {

void register_referral_update_route(route_table& routes, const app_context& context);

}  // namespace gateway::api
