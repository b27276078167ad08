#include "gateway/api/referral_create_route.hpp"

#include <functional>

#include "fhir/referral_profile.hpp"
#include "fhir/validator.hpp"
#include "gateway/api/fhir_response.hpp"
#include "gateway/api/resource_answer.hpp"
#include "gateway/api/store_await.hpp"
#include "gateway/core/fhir_time.hpp"
#include "gateway/core/json_read.hpp"
#include "gateway/core/normalise_service_request.hpp"
#include "gateway/core/referral_create_plan.hpp"
#include "gateway/core/store.hpp"
#include "gateway/core/triage_evaluate.hpp"

namespace gateway::api {
namespace asio = boost::asio;

namespace {

// "identifier=SYSTEM|VALUE" (the only If-None-Exist criterion supported).
std::optional<core::identifier> if_none_exist_identifier(std::string_view header) {
  const auto query = parse_query(header);
  if (query.size() != 1 || query[0].name != "identifier") return std::nullopt;
  const auto bar = query[0].value.find('|');
  if (bar == std::string::npos || bar == 0 || bar + 1 == query[0].value.size()) return std::nullopt;
  return core::identifier{query[0].value.substr(0, bar), query[0].value.substr(bar + 1)};
}

// The Patient a ServiceRequest's subject names among its contained resources, if any.
const rapidjson::Value* contained_patient(const rapidjson::Value& sr) {
  const auto* subject = core::json::object_member(sr, "subject");
  if (subject == nullptr) return nullptr;
  const std::string_view ref = core::json::string_member(*subject, "reference");
  if (ref.size() < 2 || ref.front() != '#') return nullptr;
  const auto* contained = core::json::array_member(sr, "contained");
  if (contained == nullptr) return nullptr;
  for (const auto& c : contained->GetArray()) {
    if (core::json::string_member(c, "id") == ref.substr(1) && core::json::string_member(c, "resourceType") == "Patient") {
      return &c;
    }
  }
  return nullptr;
}

class referral_create_handler final : public route_handler {
 public:
  explicit referral_create_handler(const app_context& context) : ctx_(context) {}

  asio::awaitable<net::http_response> handle(const api_request& request) override {
    auto parsed = fhir::parse_json(request.http.body(), ctx_.json_limits);
    if (!parsed) co_return make_error_response(error_from_validation(400, fhir::to_outcome(parsed.error())));
    const rapidjson::Document& sr = *parsed;
    if (!sr.IsObject() || core::json::string_member(sr, "resourceType") != "ServiceRequest") {
      co_return make_error_response(api_error::single(400, fhir::issue_code::invalid,
                                                      "POST /ServiceRequest takes a ServiceRequest resource",
                                                      "resourceType"));
    }
    fhir::outcome r4 = fhir::validate(sr);
    if (!r4.ok()) co_return make_error_response(error_from_validation(400, std::move(r4)));
    fhir::outcome profile = fhir::validate_referral(sr);
    if (!profile.ok()) co_return make_error_response(error_from_validation(422, std::move(profile)));
    auto normalised = core::normalise_service_request(sr);
    if (!normalised) co_return make_error_response(error_from_core(normalised.error()));

    const core::caller who = core_caller(*request.who);
    if (core::decide(who, core::access_action::create_referral, normalised->requester_ods) != core::access_decision::allow) {
      co_return make_error_response(api_error::single(
          403, fhir::issue_code::processing,
          "a referrer may only send referrals whose requester is its own organisation (" + who.organisation + ")",
          "ServiceRequest.requester"));
    }

    if (const std::string_view header = request.http["If-None-Exist"]; !header.empty()) {
      const auto wanted = if_none_exist_identifier(header);
      if (!wanted) {
        co_return make_error_response(api_error::single(400, fhir::issue_code::not_supported,
                                                        "If-None-Exist supports identifier=SYSTEM|VALUE only"));
      }
      auto lookup = std::bind_front(&core::store::find_claim, ctx_.store, who.organisation, wanted->system, wanted->value);
      core::claim_lookup_outcome claim = co_await await_store<core::claim_lookup_outcome>(std::move(lookup));
      if (!claim) co_return make_error_response(error_from_store(claim.error()));
      if (*claim) co_return co_await existing_referral(request, (*claim)->id);
    }

    auto patient_lookup = std::bind_front(&core::store::find_claim, ctx_.store, std::string(),
                                          std::string(core::nhs_number_system), normalised->nhs_number);
    core::claim_lookup_outcome patient_claim = co_await await_store<core::claim_lookup_outcome>(std::move(patient_lookup));
    if (!patient_claim) co_return make_error_response(error_from_store(patient_claim.error()));

    core::referral_create_input in;
    in.service_request = &sr;
    in.normalised = &*normalised;
    in.patient = contained_patient(sr);
    if (*patient_claim) in.stored_patient_id = (*patient_claim)->id;
    in.now = std::chrono::system_clock::now();
    in.triage = core::evaluate(*ctx_.triage_rules, *normalised,
                               core::date{std::chrono::floor<std::chrono::days>(in.now)});
    in.platform_org = ctx_.platform_org;
    in.event_source = ctx_.event_source;
    in.ids = {new_uuid(), new_uuid(), new_uuid(), new_uuid(), new_uuid()};
    in.audit.caller_name = request.who->name;
    in.audit.caller_org = request.who->organization;
    in.audit.caller_role = request.who->role;
    in.audit.request_id = request.request_id;

    // A concurrent first referral for the same person may claim the NHS number between our
    // lookup and commit: then use that Patient and commit again (bounded).
    for (int attempt = 0; attempt < 3; ++attempt) {
      core::referral_create_plan plan = core::plan_referral_create(in);
      const std::size_t sr_index = plan.service_request_write;
      auto commit = std::bind_front(&core::store::commit, ctx_.store, std::move(plan.work));
      core::commit_outcome committed = co_await await_store<core::commit_outcome>(std::move(commit));
      if (committed) co_return resource_response(request, 201, committed->written[sr_index], true);
      const core::commit_failure& failure = committed.error();
      if (failure.code != core::store_errc::identifier_taken || !failure.existing) {
        co_return make_error_response(error_from_store(failure.code));
      }
      if (failure.existing->type == "ServiceRequest") co_return co_await existing_referral(request, failure.existing->id);
      in.stored_patient_id = failure.existing->id;
    }
    co_return make_error_response(error_from_store(core::store_errc::too_busy));
  }

 private:
  // The referral already stored under this identifier: 200 with it, nothing new created.
  asio::awaitable<net::http_response> existing_referral(const api_request& request, std::string id) {
    auto read = std::bind_front(&core::store::read, ctx_.store, std::string("ServiceRequest"), std::move(id));
    core::read_outcome existing = co_await await_store<core::read_outcome>(std::move(read));
    if (!existing) co_return make_error_response(error_from_store(existing.error()));
    co_return resource_response(request, 200, *existing, true);
  }

  const app_context& ctx_;
};

}  // namespace

void register_referral_create_route(route_table& routes, const app_context& context) {
  route r;
  r.method = boost::beast::http::verb::post;
  r.pattern = "/ServiceRequest";
  r.resource_type = "ServiceRequest";
  r.kind = interaction::create;
  r.takes_body = true;
  r.handler = std::make_shared<referral_create_handler>(context);
  routes.add(std::move(r));
}

}  // namespace gateway::api
