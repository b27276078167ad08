#include "gateway/api/outcome_routes.hpp"

#include <functional>

#include "fhir/json_view.hpp"
#include "fhir/validator.hpp"
#include "gateway/api/audit_trail.hpp"
#include "gateway/api/feedback_queueing.hpp"
#include "gateway/api/fhir_response.hpp"
#include "gateway/api/referral_lookup.hpp"
#include "gateway/api/resource_answer.hpp"
#include "gateway/api/resource_body.hpp"
#include "gateway/api/resource_read_routes.hpp"
#include "gateway/api/store_await.hpp"
#include "gateway/core/embedded_config.hpp"
#include "gateway/core/outcome_link.hpp"
#include "gateway/core/platform_update_plan.hpp"
#include "gateway/core/store.hpp"

namespace gateway::api {
namespace asio = boost::asio;

namespace {

// The element that links an outcome type to its referral (outcome_link.hpp).
std::string link_expression(const std::string& type) {
  return type == "DocumentReference" ? "DocumentReference.context.related" : type + ".basedOn";
}

class outcome_post_handler final : public route_handler {
 public:
  outcome_post_handler(const app_context& context, std::string type)
      : ctx_(context),
        type_(std::move(type)),
        outcome_codes_(core::load_code_system(core::embedded::outcome_summary_code_system_json()).value()) {}

  asio::awaitable<net::http_response> handle(const api_request& request) override {
    auto read_body = read_resource_body(request, type_, ctx_.json_limits);
    if (auto* refused = std::get_if<api_error>(&read_body)) co_return make_error_response(*refused);
    const rapidjson::Document& body = std::get<rapidjson::Document>(read_body);
    auto link = core::check_outcome_link(body);
    if (!link) co_return make_error_response(error_from_core(link.error()));
    const std::string sr_id = id_in_reference(*link, "ServiceRequest");

    const core::caller who = core_caller(*request.who);
    audited_access refusal{core::audit_action::create, "create", type_, {}, false, {}};
    auto read_sr = std::bind_front(&core::store::read, ctx_.store, std::string("ServiceRequest"), sr_id);
    core::read_outcome sr_record = co_await await_store<core::read_outcome>(std::move(read_sr));
    if (!sr_record) {
      const bool missing =
          sr_record.error() == core::store_errc::not_found || sr_record.error() == core::store_errc::gone;
      if (!missing) co_return make_error_response(error_from_store(sr_record.error()));
      refusal.outcome_text = "no such referral";
      record_access(*ctx_.store, request, refusal);
      if (who.role != core::caller_role::platform) co_return make_error_response(error_from_store(sr_record.error()));
      co_return make_error_response(api_error::single(
          422, fhir::issue_code::not_found, *link + " does not exist: an outcome belongs to a stored referral",
          link_expression(type_)));
    }
    const core::access_decision decision = core::decide(who, core::access_action::post_outcome, sr_record->owner_org);
    if (decision != core::access_decision::allow) {
      refusal.outcome_text = std::string(core::to_string(decision));
      record_access(*ctx_.store, request, refusal);
      if (decision == core::access_decision::not_found) {
        co_return make_error_response(error_from_store(core::store_errc::not_found));
      }
      co_return make_error_response(
          api_error::single(403, fhir::issue_code::processing, "only the platform posts outcomes"));
    }

    task_lookup_outcome task_record = co_await find_referral_task(&ctx_, sr_id);
    if (!task_record) co_return make_error_response(error_from_store(task_record.error()));
    if (!*task_record) {
      co_return make_error_response(api_error::single(
          500, fhir::issue_code::processing, "the referral has no Task (a gateway fault); nothing was stored"));
    }
    core::search_outcome found = co_await find_referral_observations(&ctx_, sr_id);
    if (!found) co_return make_error_response(error_from_store(found.error()));

    const rapidjson::Document sr = parse_record(*sr_record);
    const rapidjson::Document task = parse_record(**task_record);
    const std::vector<rapidjson::Document> observations = parse_records(found->items);
    core::outcome_post_input in;
    in.resource = &body;
    in.id = new_uuid();
    in.owner_org = sr_record->owner_org;
    in.service_request = &sr;
    in.task = &task;
    in.referral_observations = pointers_to(observations);
    in.feedback = {new_uuid(), ctx_.event_source, request.base_url,
                   feedback_destination_for(ctx_, sr_record->owner_org), &outcome_codes_};
    in.now = std::chrono::system_clock::now();
    in.audit_id = new_uuid();
    in.audit.caller_name = request.who->name;
    in.audit.caller_org = request.who->organization;
    in.audit.caller_role = request.who->role;
    in.audit.request_id = request.request_id;
    core::platform_plan_outcome plan = core::plan_outcome_post(in);
    if (!plan) co_return make_error_response(invalid_feedback_message(request, plan.error()));

    const std::size_t index = plan->resource_write;
    auto commit = std::bind_front(&core::store::commit, ctx_.store, std::move(plan->work));
    core::commit_outcome committed = co_await await_store<core::commit_outcome>(std::move(commit));
    if (!committed) co_return make_error_response(error_from_store(committed.error().code));
    co_return resource_response(request, 201, committed->written[index], true);
  }

 private:
  const app_context& ctx_;
  const std::string type_;
  const core::code_system outcome_codes_;
};

}  // namespace

void register_outcome_routes(route_table& routes, const app_context& context) {
  for (const char* type : {"Observation", "DocumentReference", "QuestionnaireResponse"}) {
    route r;
    r.method = boost::beast::http::verb::post;
    r.pattern = std::string("/") + type;
    r.resource_type = type;
    r.kind = interaction::create;
    r.takes_body = true;
    r.handler = std::make_shared<outcome_post_handler>(context, type);
    routes.add(std::move(r));
    register_resource_read_routes(routes, context, type);
  }
}

}  // namespace gateway::api
