#pragma once
// What the platform's use cases (Task update, outcome create) need to queue feedback for a
// referrer: where its message goes (context::referrers), and the refusal when the message fails
// the gateway's own validator — a bug of ours, so gateway_fault, logged (issue locations only,
// never content), and nothing queued or stored.
//
// Feedback is queued for every referrer whatever its delivery mode: the dispatcher settles items
// of mode "none" itself, so the outbox stays a complete record of what each referrer was due.
#include <rapidjson/document.h>

#include <optional>
#include <string>

#include "fhir/outcome.hpp"
#include "gateway/app/command.hpp"
#include "gateway/app/context.hpp"
#include "gateway/app/refusal.hpp"
#include "gateway/app/task.hpp"
#include "gateway/core/code_system.hpp"
#include "gateway/core/platform_update_plan.hpp"

namespace gateway::app {

// The settings of one feedback message to the referrer `organisation` (a new message id).
core::feedback_settings feedback_settings_for(const context& ctx, const request_meta& meta,
                                              const std::string& organisation, const core::code_system* summary_codes);

// The referral's Patient (its subject) when the referrer `organisation` receives it with each
// message (delivery "hl7v2": PID is written from it); nullopt when it does not, or when the
// referral names no stored Patient (the v2 writer then dead-letters the message, saying why).
task<result<std::optional<rapidjson::Document>>> patient_for_feedback(const context* ctx,
                                                                      const rapidjson::Value* service_request,
                                                                      std::string organisation);

refusal invalid_feedback_message(const request_meta& meta, const fhir::outcome& problems);

}  // namespace gateway::app
