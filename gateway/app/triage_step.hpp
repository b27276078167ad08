#pragma once
// Triage as the use cases run it: the configured rules over the referral as it now reads, on
// today's date. Every use case that (re)triages a referral calls these, so a change to when or
// how triage runs is made here once:
//   - triage_referral: create (the Task's first triage), update and a later outcome;
//   - escalate_if_raised: after an update or a later Observation/QuestionnaireResponse, adds to
//     the unit of work what core::plan_escalation plans when priority or flags rose (a new Task
//     version, referral.escalated, a status-update to the referrer); nothing when nothing rose.
#include <chrono>

#include <rapidjson/document.h>

#include "gateway/app/command.hpp"
#include "gateway/app/context.hpp"
#include "gateway/app/refusal.hpp"
#include "gateway/core/referral.hpp"
#include "gateway/core/store_records.hpp"
#include "gateway/core/triage_evaluate.hpp"

namespace gateway::app {

core::triage_result triage_referral(const context& ctx, const core::referral& referral,
                                    std::chrono::system_clock::time_point now);

struct retriage {
  const core::resource_record* task_record = nullptr;  // the Task version read
  const rapidjson::Value* task = nullptr;              // parsed, with id
  const rapidjson::Value* service_request = nullptr;   // as the referrer's message shows it, with id
  const core::referral* normalised = nullptr;          // the referral as it now reads
  core::triage_result triage;                          // triage_referral of `normalised` (and more)
  std::chrono::system_clock::time_point now{};
  const rapidjson::Value* patient = nullptr;  // the referral's Patient, with id; nullptr when not read
};

// True when an escalation was added to `work`.
result<bool> escalate_if_raised(const context& ctx, const request_meta& meta, const retriage& in,
                                core::unit_of_work& work);

}  // namespace gateway::app
