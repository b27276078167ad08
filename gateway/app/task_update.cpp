#include "gateway/app/task_update.hpp"

#include "fhir/json_view.hpp"
#include "gateway/app/audit_trail.hpp"
#include "gateway/app/changing_resource.hpp"
#include "gateway/app/platform_feedback.hpp"
#include "gateway/app/referral_records.hpp"
#include "gateway/app/store_call.hpp"
#include "gateway/core/embedded_config.hpp"
#include "gateway/core/fhir_time.hpp"
#include "gateway/core/platform_update_plan.hpp"
#include "gateway/core/task_update.hpp"

namespace gateway::app {

namespace {

constexpr int max_attempts = 3;

}  // namespace

task_update_service::task_update_service(const context& ctx)
    : ctx_(ctx),
      business_status_(core::load_code_system(core::embedded::business_status_code_system_json()).value()),
      outcome_codes_(core::load_code_system(core::embedded::outcome_summary_code_system_json()).value()) {}

task<result<core::resource_record>> task_update_service::update(task_update_command command) const {
  for (int i = 0; i < max_attempts; ++i) {
    task<attempt_result> tried = attempt(&command);
    attempt_result done = co_await std::move(tried);
    if (done) co_return std::move(*done);
  }
  co_return refusal_from_store(core::store_errc::too_busy);
}

task<task_update_service::attempt_result> task_update_service::attempt(const task_update_command* command) const {
  task<result<core::resource_record>> reading = read_for_change(
      &ctx_, command->who, command->meta,
      {"Task", command->id, core::access_action::change_task,
       "only the platform changes Tasks; a referrer withdraws a referral by revoking its ServiceRequest"},
      command->if_match);
  result<core::resource_record> stored = co_await std::move(reading);
  if (!stored) co_return stored.error();

  const auto now = ctx_.now();
  const rapidjson::Document stored_task = parse_record(*stored);
  auto change = core::merge_task_update(stored_task, *command->task, business_status_, core::format_instant(now));
  if (!change) co_return refusal_from_core(change.error());

  std::string sr_id;
  for (const auto& ref : fhir::json::each(stored_task, "basedOn")) {
    sr_id = id_in_reference(fhir::json::string_member(ref, "reference"), "ServiceRequest");
    if (!sr_id.empty()) break;
  }
  auto read_sr = store_read(*ctx_.store, "ServiceRequest", sr_id);
  core::read_outcome sr_record = co_await read_sr;
  if (!sr_record) co_return refusal_from_store(sr_record.error());
  if (sr_record->owner_org != stored->owner_org) {
    // A Task names only its own referral; anything else would send one practice's referral in
    // another's message.
    co_return refusal::single(
        refusal_kind::gateway_fault, fhir::issue_code::processing,
        "the Task's referral belongs to another organisation (a gateway fault); nothing was stored");
  }
  const rapidjson::Document sr = parse_record(*sr_record);

  std::vector<rapidjson::Document> observations;
  if (change->status_changed && change->to == core::task_status::completed) {
    task<core::search_outcome> finding = find_referral_observations(&ctx_, sr_id, sr_record->owner_org);
    core::search_outcome found = co_await std::move(finding);
    if (!found) co_return refusal_from_store(found.error());
    observations = parse_records(found->items);
  }

  task<result<std::optional<rapidjson::Document>>> reading_patient =
      patient_for_feedback(&ctx_, &sr, sr_record->owner_org);
  result<std::optional<rapidjson::Document>> patient = co_await std::move(reading_patient);
  if (!patient) co_return patient.error();

  core::task_update_input in;
  in.stored = &*stored;
  in.change = &*change;
  in.service_request = &sr;
  if (*patient) in.patient = &**patient;
  in.referral_observations = pointers_to(observations);
  in.feedback = feedback_settings_for(ctx_, command->meta, sr_record->owner_org, &outcome_codes_);
  in.now = now;
  in.audit_id = ctx_.new_id();
  in.audit = audit_of(command->who, command->meta);
  core::platform_plan_outcome plan = core::plan_task_update(in);
  if (!plan) co_return invalid_feedback_message(command->meta, plan.error());

  const std::size_t task_index = plan->resource_write;
  auto commit = store_commit_audited(ctx_, command->meta, std::move(plan->work));
  core::commit_outcome committed = co_await commit;
  if (committed) co_return std::move(committed->written[task_index]);
  if (committed.error().code == core::store_errc::version_conflict && !command->if_match) co_return std::nullopt;
  co_return refusal_from_store(committed.error().code);
}

}  // namespace gateway::app
