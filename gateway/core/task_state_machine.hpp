#pragma once
// The FHIR R4 Task state machine (https://hl7.org/fhir/R4/task.html#statemachine) as a pure
// transition table, and who may drive it.
//
// Allowed transitions (a status may always stay as it is, so a PUT that only changes
// businessStatus passes):
//   draft       -> requested, ready, cancelled
//   requested   -> received, accepted, rejected, ready, cancelled
//   received    -> accepted, rejected, cancelled
//   accepted    -> ready, in-progress, cancelled
//   ready       -> in-progress, cancelled, failed
//   in-progress -> completed, failed, on-hold, cancelled
//   on-hold     -> in-progress, failed, cancelled
//   any         -> entered-in-error (a correction, always allowed)
// rejected, cancelled, failed, completed and entered-in-error are terminal. `ready` is the spec's
// shortcut when assignment and acceptance are a given. Cancelling from in-progress/on-hold is
// allowed because a referrer may withdraw a referral (revoke the ServiceRequest) at any time
// before the work ends, and the Task must follow.
//
// Who: only the platform changes a Task directly (PUT /Task). A referrer changes a Task only
// indirectly, by revoking its ServiceRequest, which cancels a non-terminal Task
// (task_status_after_revocation).
//
// Thread safety: pure functions.

#include "gateway/core/error.hpp"
#include "gateway/core/task_status.hpp"

#include <optional>

namespace gateway::core {

bool is_transition_allowed(task_status from, task_status to);

// Error (unprocessable) names the transition:
// "Task.status: transition from 'completed' to 'in-progress' is not allowed".
result<void> check_transition(task_status from, task_status to);

// Same, from wire codes; an unknown code is an invalid error naming it.
result<void> check_transition(std::string_view from, std::string_view to);

// The Task status after the referrer revokes the ServiceRequest: cancelled while work may still
// happen, nullopt (leave it alone) once the Task is terminal — a completed Task stays completed.
std::optional<task_status> task_status_after_revocation(task_status current);

}  // namespace gateway::core
