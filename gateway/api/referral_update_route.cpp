#include "gateway/api/referral_update_route.hpp"

#include <boost/beast/http/field.hpp>

#include <functional>

#include "fhir/json_view.hpp"
#include "fhir/referral_profile.hpp"
#include "fhir/validator.hpp"
#include "gateway/api/audit_trail.hpp"
#include "gateway/api/fhir_response.hpp"
#include "gateway/api/if_match.hpp"
#include "gateway/api/referral_lookup.hpp"
#include "gateway/api/resource_answer.hpp"
#include "gateway/api/resource_body.hpp"
#include "gateway/api/store_await.hpp"
#include "gateway/core/normalise_service_request.hpp"
#include "gateway/core/referral_update_plan.hpp"
#include "gateway/core/store.hpp"
#include "gateway/core/triage_evaluate.hpp"

namespace gateway::api {
namespace asio = boost::asio;

namespace {

constexpr int max_attempts = 3;

// The body checked against the stored referral and normalised, both sides: everything the plan
// needs that does not touch the store. The stored Patient resolves "Patient/{id}" subjects.
struct checked_update {
  std::optional<api_error> refusal;
  core::referral incoming;
  core::referral stored;
};

checked_update check_update(const rapidjson::Value& body, const rapidjson::Value& stored_sr,
                            const rapidjson::Value& patient, const std::string& patient_id, const core::caller& who) {
  checked_update out;
  const std::string patient_ref = "Patient/" + patient_id;
  const fhir::resource_resolver resolve = [&](std::string_view ref) -> const rapidjson::Value* {
    return ref == patient_ref ? &patient : nullptr;
  };
  fhir::referral_profile_options options;
  options.accepted_statuses.assign(std::begin(core::referral_update_statuses),
                                   std::end(core::referral_update_statuses));
  fhir::outcome profile = fhir::validate_referral(body, options, resolve);
  if (!profile.ok()) {
    out.refusal = error_from_validation(422, std::move(profile));
    return out;
  }
  const core::reference_lookup lookup = resolve;
  auto incoming = core::normalise_service_request(body, lookup);
  if (!incoming) {
    out.refusal = error_from_core(incoming.error());
    return out;
  }
  auto stored = core::normalise_service_request(stored_sr, lookup);
  if (!stored) {
    out.refusal = api_error::single(500, fhir::issue_code::processing, "the stored referral cannot be read back");
    return out;
  }
  if (core::decide(who, core::access_action::create_referral, incoming->requester_ods) !=
      core::access_decision::allow) {
    out.refusal = api_error::single(
        403, fhir::issue_code::processing,
        "a referrer may only send referrals whose requester is its own organisation (" + who.organisation + ")",
        "ServiceRequest.requester");
    return out;
  }
  out.incoming = std::move(*incoming);
  out.stored = std::move(*stored);
  return out;
}

class referral_update_handler final : public route_handler {
 public:
  explicit referral_update_handler(const app_context& context) : ctx_(context) {}

  asio::awaitable<net::http_response> handle(const api_request& request) override {
    const if_match wanted = parse_if_match(request.http[boost::beast::http::field::if_match]);
    if (auto bad = malformed_if_match(wanted)) co_return make_error_response(*bad);
    auto read_body = read_resource_body(request, "ServiceRequest", ctx_.json_limits);
    if (auto* refused = std::get_if<api_error>(&read_body)) co_return make_error_response(*refused);
    const rapidjson::Document& body = std::get<rapidjson::Document>(read_body);

    for (int attempt = 0; attempt < max_attempts; ++attempt) {
      std::optional<net::http_response> answer = co_await try_update(request, &body, wanted);
      if (answer) co_return std::move(*answer);
    }
    co_return make_error_response(error_from_store(core::store_errc::too_busy));
  }

 private:
  // nullopt: something changed between read and commit that If-Match did not pin; try again.
  asio::awaitable<std::optional<net::http_response>> try_update(const api_request& request,
                                                                const rapidjson::Document* body, if_match wanted) {
    const std::string& id = request.path_params[0];
    const core::caller who = core_caller(*request.who);
    audited_access refusal{core::audit_action::update, "update", "ServiceRequest", id, false, {}};
    auto read = std::bind_front(&core::store::read, ctx_.store, std::string("ServiceRequest"), id);
    core::read_outcome stored = co_await await_store<core::read_outcome>(std::move(read));
    if (!stored) {
      refusal.outcome_text = stored.error().message();
      record_access(*ctx_.store, request, refusal);
      co_return make_error_response(error_from_store(stored.error()));
    }
    const core::access_decision decision = core::decide(who, core::access_action::update_referral, stored->owner_org);
    if (decision != core::access_decision::allow) {
      refusal.outcome_text = std::string(core::to_string(decision));
      record_access(*ctx_.store, request, refusal);
      if (decision == core::access_decision::not_found) {
        co_return make_error_response(error_from_store(core::store_errc::not_found));
      }
      co_return make_error_response(
          api_error::single(403, fhir::issue_code::processing,
                            "a referral is changed only by its referrer (the platform moves its Task)"));
    }
    if (auto stale = stale_if_match(wanted, stored->version)) co_return make_error_response(*stale);

    const rapidjson::Document stored_sr = parse_record(*stored);
    std::string patient_id;
    if (const auto* subject = fhir::json::object_member(stored_sr, "subject")) {
      patient_id = id_in_reference(fhir::json::string_member(*subject, "reference"), "Patient");
    }
    auto read_patient = std::bind_front(&core::store::read, ctx_.store, std::string("Patient"), patient_id);
    core::read_outcome patient_record = co_await await_store<core::read_outcome>(std::move(read_patient));
    if (!patient_record) co_return make_error_response(error_from_store(patient_record.error()));
    const rapidjson::Document patient = parse_record(*patient_record);

    checked_update checked = check_update(*body, stored_sr, patient, patient_id, who);
    if (checked.refusal) co_return make_error_response(*checked.refusal);

    task_lookup_outcome task_record = co_await find_referral_task(&ctx_, id);
    if (!task_record) co_return make_error_response(error_from_store(task_record.error()));
    rapidjson::Document task;
    core::referral_update_input in;
    if (*task_record) {
      task = parse_record(**task_record);
      in.task = core::stored_task_ref{&task, (*task_record)->version, (*task_record)->owner_org};
    }
    in.id = id;
    in.incoming = body;
    in.normalised = &checked.incoming;
    in.stored = &*stored;
    in.stored_normalised = &checked.stored;
    in.patient_id = patient_id;
    in.now = std::chrono::system_clock::now();
    in.triage =
        core::evaluate(*ctx_.triage_rules, checked.incoming, core::date{std::chrono::floor<std::chrono::days>(in.now)});
    in.event_source = ctx_.event_source;
    in.event_id = new_uuid();
    in.audit_id = new_uuid();
    in.audit.caller_name = request.who->name;
    in.audit.caller_org = request.who->organization;
    in.audit.caller_role = request.who->role;
    in.audit.request_id = request.request_id;
    auto plan = core::plan_referral_update(in);
    if (!plan) co_return make_error_response(error_from_core(plan.error()));

    const std::size_t sr_index = plan->service_request_write;
    auto commit = std::bind_front(&core::store::commit, ctx_.store, std::move(plan->work));
    core::commit_outcome committed = co_await await_store<core::commit_outcome>(std::move(commit));
    if (committed) co_return resource_response(request, 200, committed->written[sr_index], false);
    const core::commit_failure& failure = committed.error();
    if (failure.code == core::store_errc::version_conflict) {
      // The referral itself moved under a pinned version: the client must read it again. Anything
      // else (no If-Match, or the platform moved the Task meanwhile) is ours to retry.
      if (wanted.present && failure.write_index == sr_index) {
        co_return make_error_response(error_from_store(failure.code));
      }
      co_return std::nullopt;
    }
    co_return make_error_response(error_from_store(failure.code));
  }

  const app_context& ctx_;
};

}  // namespace

void register_referral_update_route(route_table& routes, const app_context& context) {
  route r;
  r.method = boost::beast::http::verb::put;
  r.pattern = "/ServiceRequest/{id}";
  r.resource_type = "ServiceRequest";
  r.kind = interaction::update;
  r.takes_body = true;
  r.handler = std::make_shared<referral_update_handler>(context);
  routes.add(std::move(r));
}

}  // namespace gateway::api
