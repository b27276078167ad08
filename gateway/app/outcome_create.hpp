#pragma once
// Use case: the platform records an outcome of a referral (FHIR POST /Observation,
// /DocumentReference, /QuestionnaireResponse): a PHQ-9 or GAD-7 score, a discharge letter. The
// outcome must name its referral (basedOn, or DocumentReference.context.related); it is stored,
// owned by the referral's referrer (who may read it), with an outcome-report feedback message
// carrying the outcome summary over the referral's Observations, and its AuditEvent, in one
// unit of work (core::plan_outcome_post).
//
// Only the platform posts outcomes: a referrer gets forbidden for its own referral and
// not_found for anyone else's. An outcome for a referral that does not exist is unprocessable
// for the platform (not_found for a referrer: it may not learn which ids exist).
//
// Thread safety: the service is immutable; calls may run concurrently. The document the command
// points at must outlive the task.
#include <rapidjson/document.h>

#include "gateway/app/command.hpp"
#include "gateway/app/context.hpp"
#include "gateway/app/refusal.hpp"
#include "gateway/app/task.hpp"
#include "gateway/core/code_system.hpp"
#include "gateway/core/store_records.hpp"

namespace gateway::app {

// The resource types an outcome may be.
inline constexpr const char* outcome_types[] = {"Observation", "DocumentReference", "QuestionnaireResponse"};

struct outcome_create_command {
  caller who;
  request_meta meta;
  const rapidjson::Value* resource = nullptr;  // one of outcome_types, R4-valid
};

class outcome_create_service {
 public:
  explicit outcome_create_service(const context& ctx);

  // The stored outcome.
  task<result<core::resource_record>> create(outcome_create_command command) const;

 private:
  const context& ctx_;
  const core::code_system outcome_codes_;
};

}  // namespace gateway::app
