#include "gateway/app/referral_create.hpp"

#include "gateway/app/audit_trail.hpp"
#include "gateway/app/reference_check.hpp"
#include "gateway/app/store_call.hpp"
#include "gateway/app/triage_step.hpp"
#include "gateway/core/referral_create_plan.hpp"

namespace gateway::app {

namespace {

// A concurrent first referral for the same person may claim the NHS number between the lookup
// and the commit: then the plan uses that Patient and commits again, this many times at most.
constexpr int max_attempts = 3;

// What the reference check reads: the ServiceRequest alone, or every entry of its Bundle.
std::vector<referencing_resource> sent_resources(const referral_document& document) {
  std::vector<referencing_resource> out;
  if (const auto* standalone = std::get_if<standalone_referral>(&document)) {
    out.push_back({standalone->service_request, "ServiceRequest"});
    return out;
  }
  for (const auto& e : std::get<bundled_referral>(document).entries->entries)
    out.push_back({e.resource, "Bundle.entry[" + std::to_string(e.index) + "].resource"});
  return out;
}

}  // namespace

task<result<referral_created>> referral_create_service::stored_referral(std::string id) const {
  auto read = store_read(*ctx_.store, "ServiceRequest", std::move(id));
  core::read_outcome existing = co_await read;
  if (!existing) co_return refusal_from_store(existing.error());
  referral_created out;
  out.service_request = std::move(*existing);
  co_return out;
}

task<result<std::optional<stored_message>>> referral_create_service::find_message(std::string organisation,
                                                                                  core::identifier id) const {
  auto lookup = store_find_claim(*ctx_.store, std::move(organisation), std::move(id.system), std::move(id.value));
  core::claim_lookup_outcome claim = co_await lookup;
  if (!claim) co_return refusal_from_store(claim.error());
  if (!*claim) co_return std::optional<stored_message>{};
  auto first = store_vread(*ctx_.store, (*claim)->type, (*claim)->id, 1);
  core::read_outcome version1 = co_await first;
  if (!version1) co_return refusal_from_store(version1.error());
  co_return std::optional<stored_message>{stored_message{version1->id, version1->last_updated}};
}

task<result<referral_created>> referral_create_service::create(referral_create_command command) const {
  result<checked_referral> checked = check_referral(command.referral, command.who);
  if (!checked) co_return checked.error();
  const core::referral& normalised = checked->normalised;
  // A BaRS message comes from the sender's system: what it names without carrying is the sender's.
  const core::reference_base base = command.meta.via == front_door::bars_message ? core::reference_base::sender_system
                                                                                 : core::reference_base::gateway;
  task<result<bool>> scoping = check_reference_scope(&ctx_, command.who, sent_resources(command.referral), {}, base);
  result<bool> in_scope = co_await std::move(scoping);
  if (!in_scope) co_return in_scope.error();

  if (command.if_none_exist) {
    auto lookup = store_find_claim(*ctx_.store, command.who.organisation, command.if_none_exist->system,
                                   command.if_none_exist->value);
    core::claim_lookup_outcome claim = co_await lookup;
    if (!claim) co_return refusal_from_store(claim.error());
    if (*claim) {
      task<result<referral_created>> stored = stored_referral((*claim)->id);
      co_return co_await std::move(stored);
    }
  }

  // One Patient per NHS number per referring organisation: each practice's Patient keeps its own
  // demographics, and nothing in the answer depends on another practice having referred the person.
  auto patient_lookup = store_find_claim(*ctx_.store, normalised.requester_ods, std::string(core::nhs_number_system),
                                         normalised.nhs_number);
  core::claim_lookup_outcome patient_claim = co_await patient_lookup;
  if (!patient_claim) co_return refusal_from_store(patient_claim.error());

  core::referral_create_input in;
  in.service_request = checked->service_request;
  in.normalised = &normalised;
  in.patient = checked->patient;
  if (*patient_claim) in.stored_patient_id = (*patient_claim)->id;
  in.now = ctx_.now();
  in.triage = triage_referral(ctx_, normalised, in.now);
  in.platform_org = ctx_.platform_org;
  in.event_source = ctx_.event_source;
  in.ids = {ctx_.new_id(), ctx_.new_id(), ctx_.new_id(), ctx_.new_id(), ctx_.new_id()};
  in.audit = audit_of(command.who, command.meta);
  in.service_request_full_url = checked->service_request_full_url;
  in.patient_full_url = checked->patient_full_url;
  for (const auto& c : checked->companions) in.accompanying.push_back({c.resource, ctx_.new_id(), c.full_url});

  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    core::referral_create_plan plan = core::plan_referral_create(in);
    if (command.with_unit) command.with_unit(in.ids.service_request, plan.work);
    if (command.message_id) {
      plan.work.claims.push_back({command.who.organisation, command.message_id->system, command.message_id->value,
                                  "ServiceRequest", plan.work.writes[plan.service_request_write].id});
    }
    auto commit = store_commit(*ctx_.store, std::move(plan.work));
    core::commit_outcome committed = co_await commit;
    if (committed) {
      referral_created out;
      out.created = true;
      out.service_request = committed->written[plan.service_request_write];
      out.written = std::move(committed->written);
      out.patient_id = std::move(plan.patient_id);
      out.patient_write = plan.patient_write;
      out.companion_writes = std::move(plan.accompanying_writes);
      co_return out;
    }
    const core::commit_failure& failure = committed.error();
    if (failure.code != core::store_errc::identifier_taken || !failure.existing) {
      co_return refusal_from_store(failure.code);
    }
    if (failure.existing->type == "ServiceRequest") {
      task<result<referral_created>> stored = stored_referral(failure.existing->id);
      result<referral_created> out = co_await std::move(stored);
      if (!out || !command.message_id) co_return out;
      task<result<std::optional<stored_message>>> seen = find_message(command.who.organisation, *command.message_id);
      result<std::optional<stored_message>> message = co_await std::move(seen);
      if (!message) co_return message.error();
      out->message = std::move(*message);
      co_return out;
    }
    in.stored_patient_id = failure.existing->id;
  }
  co_return refusal_from_store(core::store_errc::too_busy);
}

}  // namespace gateway::app
