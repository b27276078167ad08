#pragma once
// What the platform-facing routes need to queue feedback for a referrer: where its messages go
// (configuration: referrers[]) and the answer when a message fails the gateway's own validator —
// a bug of ours, so 500 with an OperationOutcome, logged (issue locations only, never content),
// and nothing queued or stored.
//
// Feedback is queued for every referrer whatever its delivery mode: the dispatcher settles items
// of mode "none" itself, so the outbox stays a complete record of what each referrer was due.
#include <string>

#include "fhir/outcome.hpp"
#include "gateway/api/api_error.hpp"
#include "gateway/api/api_request.hpp"
#include "gateway/api/app_context.hpp"
#include "gateway/core/feedback_message.hpp"

namespace gateway::api {

// The configured referrer with this ODS code; an unconfigured one gets urn:ods:<ODS> and the
// ServiceRequest by reference.
core::feedback_destination feedback_destination_for(const app_context& ctx, const std::string& organisation);

api_error invalid_feedback_message(const api_request& request, const fhir::outcome& problems);

}  // namespace gateway::api
