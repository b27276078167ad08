#pragma once
// PUT /Task/{id}: the platform moves a referral's Task (status, businessStatus, statusReason,
// output, note, owner; core merge_task_update) along the FHIR Task state machine (422 naming a
// transition it does not allow), with If-Match honoured (412). The Task, the referrer's feedback
// message (status-update, or outcome-report with the outcome summary when the Task completes) and
// the AuditEvent are committed together. A referrer gets 403 on its own Task, 404 on another's.
// The handler only reads the request (body, If-Match) and calls app::task_update_service (gateway/app/task_update.hpp),
// where these rules live; the result or refusal becomes the answer (fhir_response.hpp).
#include "gateway/api/app_context.hpp"
#include "gateway/api/route_table.hpp"

namespace gateway::api {

void register_task_update_route(route_table& routes, const app_context& context);

}  // namespace gateway::api
