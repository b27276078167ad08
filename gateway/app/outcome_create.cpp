#include "gateway/app/outcome_create.hpp"

#include "fhir/json_view.hpp"
#include "gateway/app/audit_trail.hpp"
#include "gateway/app/platform_feedback.hpp"
#include "gateway/app/referral_records.hpp"
#include "gateway/app/store_call.hpp"
#include "gateway/app/triage_step.hpp"
#include "gateway/core/embedded_config.hpp"
#include "gateway/core/normalise_service_request.hpp"
#include "gateway/core/outcome_link.hpp"
#include "gateway/core/platform_update_plan.hpp"

namespace gateway::app {

namespace {

// The element that links an outcome type to its referral (outcome_link.hpp).
std::string link_expression(const std::string& type) {
  return type == "DocumentReference" ? "DocumentReference.context.related" : type + ".basedOn";
}

}  // namespace

outcome_create_service::outcome_create_service(const context& ctx)
    : ctx_(ctx), outcome_codes_(core::load_code_system(core::embedded::outcome_summary_code_system_json()).value()) {}

task<result<core::resource_record>> outcome_create_service::create(outcome_create_command command) const {
  const rapidjson::Value& resource = *command.resource;
  const std::string type(fhir::json::string_member(resource, "resourceType"));
  auto link = core::check_outcome_link(resource);
  if (!link) co_return refusal_from_core(link.error());
  const std::string sr_id = id_in_reference(*link, "ServiceRequest");

  audited_access refusal_audit{core::audit_action::create, "create", type, {}, false, {}, {}, false};
  auto read_sr = store_read(*ctx_.store, "ServiceRequest", sr_id);
  core::read_outcome sr_record = co_await read_sr;
  if (!sr_record) {
    const bool missing =
        sr_record.error() == core::store_errc::not_found || sr_record.error() == core::store_errc::gone;
    if (!missing) co_return refusal_from_store(sr_record.error());
    refusal_audit.outcome_text = "no such referral";
    auto audit = audit_access(ctx_, command.who, command.meta, refusal_audit);
    const core::commit_outcome audited = co_await audit;
    if (!audited) co_return audit_refusal(audited.error());
    if (command.who.role != core::caller_role::platform) co_return refusal_from_store(sr_record.error());
    co_return refusal::single(refusal_kind::unprocessable, fhir::issue_code::not_found,
                              *link + " does not exist: an outcome belongs to a stored referral",
                              link_expression(type));
  }
  const core::access_decision decision =
      core::decide(command.who.access(), core::access_action::post_outcome, sr_record->owner_org);
  if (decision != core::access_decision::allow) {
    refusal_audit.outcome_text = std::string(core::to_string(decision));
    auto audit = audit_access(ctx_, command.who, command.meta, refusal_audit);
    const core::commit_outcome audited = co_await audit;
    if (!audited) co_return audit_refusal(audited.error());
    if (decision == core::access_decision::not_found) co_return refusal_from_store(core::store_errc::not_found);
    co_return refusal::single(refusal_kind::forbidden, fhir::issue_code::processing,
                              "only the platform posts outcomes");
  }

  task<task_lookup_outcome> finding_task = find_referral_task(&ctx_, sr_id, sr_record->owner_org);
  task_lookup_outcome task_record = co_await std::move(finding_task);
  if (!task_record) co_return refusal_from_store(task_record.error());
  if (!*task_record) {
    co_return refusal::single(refusal_kind::gateway_fault, fhir::issue_code::processing,
                              "the referral has no Task (a gateway fault); nothing was stored");
  }
  task<core::search_outcome> finding_observations = find_referral_observations(&ctx_, sr_id, sr_record->owner_org);
  core::search_outcome found = co_await std::move(finding_observations);
  if (!found) co_return refusal_from_store(found.error());

  const rapidjson::Document sr = parse_record(*sr_record);
  const rapidjson::Document task_json = parse_record(**task_record);
  const std::vector<rapidjson::Document> observations = parse_records(found->items);
  task<result<std::optional<rapidjson::Document>>> reading_patient =
      patient_for_feedback(&ctx_, &sr, sr_record->owner_org);
  result<std::optional<rapidjson::Document>> patient = co_await std::move(reading_patient);
  if (!patient) co_return patient.error();

  core::outcome_post_input in;
  in.resource = &resource;
  if (*patient) in.patient = &**patient;
  in.id = ctx_.new_id();
  in.owner_org = sr_record->owner_org;
  in.service_request = &sr;
  in.task = &task_json;
  in.referral_observations = pointers_to(observations);
  in.feedback = feedback_settings_for(ctx_, command.meta, sr_record->owner_org, &outcome_codes_);
  in.now = ctx_.now();
  in.audit_id = ctx_.new_id();
  in.audit = audit_of(command.who, command.meta);
  core::platform_plan_outcome plan = core::plan_outcome_post(in);
  if (!plan) co_return invalid_feedback_message(command.meta, plan.error());

  // Triage on every change: a later Observation or QuestionnaireResponse (a PHQ-9 item 9 answer
  // above "Not at all") raises the referral as it would have at intake.
  if (type == "Observation" || type == "QuestionnaireResponse") {
    std::vector<const rapidjson::Value*> others = in.referral_observations;
    others.push_back(&resource);
    auto normalised = core::normalise_service_request(sr, {}, others);
    if (!normalised) {
      co_return refusal::single(refusal_kind::gateway_fault, fhir::issue_code::processing,
                                "the stored referral cannot be read back for triage; nothing was stored");
    }
    const retriage again{&**task_record, &task_json, &sr, &*normalised, triage_referral(ctx_, *normalised, in.now),
                         in.now,         in.patient};
    result<bool> escalated = escalate_if_raised(ctx_, command.meta, again, plan->work);
    if (!escalated) co_return escalated.error();
  }

  const std::size_t index = plan->resource_write;
  auto commit = store_commit(*ctx_.store, std::move(plan->work));
  core::commit_outcome committed = co_await commit;
  if (!committed) co_return refusal_from_store(committed.error().code);
  co_return std::move(committed->written[index]);
}

}  // namespace gateway::app
