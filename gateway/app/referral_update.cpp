#include "gateway/app/referral_update.hpp"

#include "fhir/json_view.hpp"
#include "fhir/referral_profile.hpp"
#include "gateway/app/audit_trail.hpp"
#include "gateway/app/changing_resource.hpp"
#include "gateway/app/reference_check.hpp"
#include "gateway/app/referral_records.hpp"
#include "gateway/app/store_call.hpp"
#include "gateway/app/triage_step.hpp"
#include "gateway/core/normalise_service_request.hpp"
#include "gateway/core/platform_update_plan.hpp"
#include "gateway/core/referral_create_plan.hpp"
#include "gateway/core/referral_update_plan.hpp"

namespace gateway::app {

namespace {

constexpr int max_attempts = 3;

// The new version checked against the stored referral and normalised, both sides: everything the
// plan needs that does not touch the store. The stored Patient resolves "Patient/{id}" subjects.
struct checked_update {
  core::referral incoming;
  core::referral stored;
};

result<checked_update> check_update(const rapidjson::Value& body, const rapidjson::Value& stored_sr,
                                    const rapidjson::Value& patient, const std::string& patient_id, const caller& who) {
  const std::string patient_ref = "Patient/" + patient_id;
  const fhir::resource_resolver resolve = [&](std::string_view ref) -> const rapidjson::Value* {
    return ref == patient_ref ? &patient : nullptr;
  };
  fhir::referral_profile_options options;
  options.accepted_statuses.assign(std::begin(core::referral_update_statuses),
                                   std::end(core::referral_update_statuses));
  fhir::outcome profile = fhir::validate_referral(body, options, resolve);
  if (!profile.ok()) return refusal_from_validation(refusal_kind::unprocessable, std::move(profile));
  const core::reference_lookup lookup = resolve;
  auto incoming = core::normalise_service_request(body, lookup);
  if (!incoming) return refusal_from_core(incoming.error());
  auto stored = core::normalise_service_request(stored_sr, lookup);
  if (!stored) {
    return refusal::single(refusal_kind::gateway_fault, fhir::issue_code::processing,
                           "the stored referral cannot be read back");
  }
  if (core::decide(who.access(), core::access_action::create_referral, incoming->requester_ods) !=
      core::access_decision::allow) {
    return refusal::single(
        refusal_kind::forbidden, fhir::issue_code::processing,
        "a referrer may only send referrals whose requester is its own organisation (" + who.organisation + ")",
        "ServiceRequest.requester");
  }
  return checked_update{std::move(*incoming), std::move(*stored)};
}

// The stored referral with status revoked: what a cancel puts.
rapidjson::Document revoked_copy(const rapidjson::Value& stored_sr) {
  rapidjson::Document body;
  body.CopyFrom(stored_sr, body.GetAllocator());
  if (auto it = body.FindMember("status"); it != body.MemberEnd()) {
    it->value.SetString("revoked");
  } else {
    body.AddMember("status", "revoked", body.GetAllocator());
  }
  return body;
}

}  // namespace

task<result<core::resource_record>> referral_update_service::update(referral_update_command command) const {
  task<result<core::resource_record>> changed =
      change(std::move(command.who), std::move(command.meta), std::move(command.id), command.service_request,
             command.if_match, {});
  co_return co_await std::move(changed);
}

task<result<core::resource_record>> referral_update_service::cancel(referral_cancel_command command) const {
  std::string id;
  if (const auto* given = std::get_if<std::string>(&command.referral)) {
    id = *given;
  } else {
    const core::identifier& named = std::get<core::identifier>(command.referral);
    auto lookup = store_find_claim(*ctx_.store, command.who.organisation, named.system, named.value);
    core::claim_lookup_outcome claim = co_await lookup;
    if (!claim) co_return refusal_from_store(claim.error());
    if (!*claim || (*claim)->type != "ServiceRequest") co_return refusal_from_store(core::store_errc::not_found);
    id = (*claim)->id;
  }
  task<result<core::resource_record>> changed = change(std::move(command.who), std::move(command.meta), std::move(id),
                                                       nullptr, command.if_match, std::move(command.with_unit));
  co_return co_await std::move(changed);
}

task<result<core::resource_record>> referral_update_service::change(caller who, request_meta meta, std::string id,
                                                                    const rapidjson::Value* body,
                                                                    std::optional<std::int64_t> if_match,
                                                                    unit_extension with_unit) const {
  for (int i = 0; i < max_attempts; ++i) {
    task<attempt_result> tried = attempt(who, meta, id, body, if_match, with_unit);
    attempt_result done = co_await std::move(tried);
    if (done) co_return std::move(*done);
  }
  co_return refusal_from_store(core::store_errc::too_busy);
}

task<referral_update_service::attempt_result> referral_update_service::attempt(caller who, request_meta meta,
                                                                               std::string id,
                                                                               const rapidjson::Value* body,
                                                                               std::optional<std::int64_t> if_match,
                                                                               unit_extension with_unit) const {
  task<result<core::resource_record>> reading =
      read_for_change(&ctx_, who, meta,
                      {"ServiceRequest", id, core::access_action::update_referral,
                       "a referral is changed only by its referrer (the platform moves its Task)"},
                      if_match);
  result<core::resource_record> stored = co_await std::move(reading);
  if (!stored) co_return stored.error();

  const rapidjson::Document stored_sr = parse_record(*stored);
  std::string patient_id;
  if (const auto* subject = fhir::json::object_member(stored_sr, "subject")) {
    patient_id = id_in_reference(fhir::json::string_member(*subject, "reference"), "Patient");
  }
  auto read_patient = store_read(*ctx_.store, "Patient", patient_id);
  core::read_outcome patient_record = co_await read_patient;
  if (!patient_record) co_return refusal_from_store(patient_record.error());
  const rapidjson::Document patient = parse_record(*patient_record);

  const rapidjson::Document revoked = body == nullptr ? revoked_copy(stored_sr) : rapidjson::Document();
  const rapidjson::Value& incoming = body == nullptr ? static_cast<const rapidjson::Value&>(revoked) : *body;
  result<checked_update> checked = check_update(incoming, stored_sr, patient, patient_id, who);
  if (!checked) co_return checked.error();
  task<result<bool>> scoping =
      check_reference_scope(&ctx_, who, {{&incoming, "ServiceRequest"}}, {"Patient/" + patient_id});
  result<bool> in_scope = co_await std::move(scoping);
  if (!in_scope) co_return in_scope.error();

  task<task_lookup_outcome> finding = find_referral_task(&ctx_, id, stored->owner_org);
  task_lookup_outcome task_record = co_await std::move(finding);
  if (!task_record) co_return refusal_from_store(task_record.error());
  rapidjson::Document task_json;
  core::referral_update_input in;
  if (*task_record) {
    task_json = parse_record(**task_record);
    in.task = core::stored_task_ref{&task_json, (*task_record)->version, (*task_record)->owner_org};
  }
  in.id = id;
  in.incoming = &incoming;
  in.normalised = &checked->incoming;
  in.stored = &*stored;
  in.stored_normalised = &checked->stored;
  in.patient_id = patient_id;
  in.now = ctx_.now();
  in.triage = triage_referral(ctx_, checked->incoming, in.now);
  in.event_source = ctx_.event_source;
  in.event_id = ctx_.new_id();
  in.audit_id = ctx_.new_id();
  in.audit = audit_of(who, meta);
  auto plan = core::plan_referral_update(in);
  if (!plan) co_return refusal_from_core(plan.error());
  // Triage on every change: what the update raises reaches the Task, the platform and the referrer.
  rapidjson::Document shown_sr;
  if (*task_record && plan->event != core::referral_event_type::cancelled) {
    const rapidjson::Document written_sr = core::stored_service_request(incoming, patient_id);
    shown_sr = core::as_committed(written_sr, id, stored->version + 1);
    const retriage again{&**task_record, &task_json, &shown_sr, &checked->incoming, in.triage, in.now, &patient};
    result<bool> escalated = escalate_if_raised(ctx_, meta, again, plan->work);
    if (!escalated) co_return escalated.error();
  }

  if (with_unit) with_unit(id, plan->work);
  const std::size_t sr_index = plan->service_request_write;
  auto commit = store_commit(*ctx_.store, std::move(plan->work));
  core::commit_outcome committed = co_await commit;
  if (committed) co_return std::move(committed->written[sr_index]);
  const core::commit_failure& failure = committed.error();
  if (failure.code == core::store_errc::version_conflict) {
    // The referral itself moved under a pinned version: the caller must read it again. Anything
    // else (no if_match, or the platform moved the Task meanwhile) is ours to retry.
    if (if_match && failure.write_index == sr_index) co_return refusal_from_store(failure.code);
    co_return std::nullopt;
  }
  co_return refusal_from_store(failure.code);
}

}  // namespace gateway::app
