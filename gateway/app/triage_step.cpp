#include "gateway/app/triage_step.hpp"

#include "gateway/app/platform_feedback.hpp"
#include "gateway/core/triage_escalation.hpp"

namespace gateway::app {

core::triage_result triage_referral(const context& ctx, const core::referral& referral,
                                    std::chrono::system_clock::time_point now) {
  return core::evaluate(*ctx.triage_rules, referral, core::date{std::chrono::floor<std::chrono::days>(now)});
}

result<bool> escalate_if_raised(const context& ctx, const request_meta& meta, const retriage& in,
                                core::unit_of_work& work) {
  core::escalation_input e;
  e.task = in.task;
  e.task_version = in.task_record->version;
  e.task_owner = in.task_record->owner_org;
  e.service_request = in.service_request;
  e.normalised = in.normalised;
  e.triage = in.triage;
  e.event_id = ctx.new_id();
  e.event_source = ctx.event_source;
  e.feedback = feedback_settings_for(ctx, meta, in.task_record->owner_org, nullptr);
  e.now = in.now;
  e.patient = in.patient;
  core::escalation_outcome planned = core::plan_escalation(e);
  if (!planned) return invalid_feedback_message(meta, planned.error());
  if (!*planned) return false;
  core::add_escalation(work, std::move(**planned));
  return true;
}

}  // namespace gateway::app
