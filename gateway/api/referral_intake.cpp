#include "gateway/api/referral_intake.hpp"

#include <chrono>
#include <functional>

#include "gateway/api/resource_answer.hpp"
#include "gateway/api/route_table.hpp"
#include "gateway/api/store_await.hpp"
#include "gateway/core/access_policy.hpp"
#include "gateway/core/store.hpp"
#include "gateway/core/triage_evaluate.hpp"

namespace gateway::api {
namespace asio = boost::asio;

namespace {

// The referral already stored under this identifier.
asio::awaitable<referral_intake_outcome> existing_referral(const app_context& ctx, std::string id) {
  auto read = std::bind_front(&core::store::read, ctx.store, std::string("ServiceRequest"), std::move(id));
  core::read_outcome existing = co_await await_store<core::read_outcome>(std::move(read));
  if (!existing) co_return error_from_store(existing.error());
  referral_intake_result out;
  out.service_request = std::move(*existing);
  co_return out;
}

}  // namespace

std::optional<core::identifier> if_none_exist_identifier(std::string_view criteria) {
  const auto query = parse_query(criteria);
  if (query.size() != 1 || query[0].name != "identifier") return std::nullopt;
  const auto bar = query[0].value.find('|');
  if (bar == std::string::npos || bar == 0 || bar + 1 == query[0].value.size()) return std::nullopt;
  return core::identifier{query[0].value.substr(0, bar), query[0].value.substr(bar + 1)};
}

asio::awaitable<referral_intake_outcome> run_referral_intake(const app_context& ctx, const api_request& request,
                                                             referral_intake_input in) {
  const core::referral& normalised = *in.normalised;
  const core::caller who = core_caller(*request.who);
  if (core::decide(who, core::access_action::create_referral, normalised.requester_ods) !=
      core::access_decision::allow) {
    co_return api_error::single(
        403, fhir::issue_code::processing,
        "a referrer may only send referrals whose requester is its own organisation (" + who.organisation + ")",
        in.requester_expression);
  }

  if (in.if_none_exist) {
    auto lookup = std::bind_front(&core::store::find_claim, ctx.store, who.organisation, in.if_none_exist->system,
                                  in.if_none_exist->value);
    core::claim_lookup_outcome claim = co_await await_store<core::claim_lookup_outcome>(std::move(lookup));
    if (!claim) co_return error_from_store(claim.error());
    if (*claim) co_return co_await existing_referral(ctx, (*claim)->id);
  }

  auto patient_lookup = std::bind_front(&core::store::find_claim, ctx.store, std::string(),
                                        std::string(core::nhs_number_system), normalised.nhs_number);
  core::claim_lookup_outcome patient_claim =
      co_await await_store<core::claim_lookup_outcome>(std::move(patient_lookup));
  if (!patient_claim) co_return error_from_store(patient_claim.error());

  core::referral_create_input plan_in;
  plan_in.service_request = in.service_request;
  plan_in.normalised = &normalised;
  plan_in.patient = in.patient;
  if (*patient_claim) plan_in.stored_patient_id = (*patient_claim)->id;
  plan_in.now = std::chrono::system_clock::now();
  plan_in.triage =
      core::evaluate(*ctx.triage_rules, normalised, core::date{std::chrono::floor<std::chrono::days>(plan_in.now)});
  plan_in.platform_org = ctx.platform_org;
  plan_in.event_source = ctx.event_source;
  plan_in.ids = {new_uuid(), new_uuid(), new_uuid(), new_uuid(), new_uuid()};
  plan_in.audit.caller_name = request.who->name;
  plan_in.audit.caller_org = request.who->organization;
  plan_in.audit.caller_role = request.who->role;
  plan_in.audit.request_id = request.request_id;
  plan_in.service_request_full_url = std::move(in.service_request_full_url);
  plan_in.patient_full_url = std::move(in.patient_full_url);
  plan_in.accompanying = std::move(in.accompanying);

  // A concurrent first referral for the same person may claim the NHS number between our
  // lookup and commit: then use that Patient and commit again (bounded).
  for (int attempt = 0; attempt < 3; ++attempt) {
    core::referral_create_plan plan = core::plan_referral_create(plan_in);
    auto commit = std::bind_front(&core::store::commit, ctx.store, std::move(plan.work));
    core::commit_outcome committed = co_await await_store<core::commit_outcome>(std::move(commit));
    if (committed) {
      referral_intake_result out;
      out.created = true;
      out.service_request = committed->written[plan.service_request_write];
      out.written = std::move(committed->written);
      out.patient_id = std::move(plan.patient_id);
      out.patient_write = plan.patient_write;
      out.accompanying_writes = std::move(plan.accompanying_writes);
      co_return out;
    }
    const core::commit_failure& failure = committed.error();
    if (failure.code != core::store_errc::identifier_taken || !failure.existing) {
      co_return error_from_store(failure.code);
    }
    if (failure.existing->type == "ServiceRequest") co_return co_await existing_referral(ctx, failure.existing->id);
    plan_in.stored_patient_id = failure.existing->id;
  }
  co_return error_from_store(core::store_errc::too_busy);
}

}  // namespace gateway::api
