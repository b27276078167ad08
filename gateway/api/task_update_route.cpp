#include "gateway/api/task_update_route.hpp"

#include <boost/beast/http/field.hpp>

#include <functional>

#include "fhir/json_view.hpp"
#include "fhir/validator.hpp"
#include "gateway/api/audit_trail.hpp"
#include "gateway/api/feedback_queueing.hpp"
#include "gateway/api/fhir_response.hpp"
#include "gateway/api/if_match.hpp"
#include "gateway/api/referral_lookup.hpp"
#include "gateway/api/resource_answer.hpp"
#include "gateway/api/resource_body.hpp"
#include "gateway/api/store_await.hpp"
#include "gateway/core/embedded_config.hpp"
#include "gateway/core/fhir_time.hpp"
#include "gateway/core/platform_update_plan.hpp"
#include "gateway/core/store.hpp"

namespace gateway::api {
namespace asio = boost::asio;

namespace {

constexpr int max_attempts = 3;

class task_update_handler final : public route_handler {
 public:
  explicit task_update_handler(const app_context& context)
      : ctx_(context),
        business_status_(core::load_code_system(core::embedded::business_status_code_system_json()).value()),
        outcome_codes_(core::load_code_system(core::embedded::outcome_summary_code_system_json()).value()) {}

  asio::awaitable<net::http_response> handle(const api_request& request) override {
    const if_match wanted = parse_if_match(request.http[boost::beast::http::field::if_match]);
    if (auto bad = malformed_if_match(wanted)) co_return make_error_response(*bad);
    auto read_body = read_resource_body(request, "Task", ctx_.json_limits);
    if (auto* refused = std::get_if<api_error>(&read_body)) co_return make_error_response(*refused);
    const rapidjson::Document& body = std::get<rapidjson::Document>(read_body);

    // Without If-Match a concurrent change makes the commit conflict: merge onto the new version.
    for (int attempt = 0; attempt < max_attempts; ++attempt) {
      std::optional<net::http_response> answer = co_await try_update(request, &body, wanted);
      if (answer) co_return std::move(*answer);
    }
    co_return make_error_response(error_from_store(core::store_errc::too_busy));
  }

 private:
  // nullopt: the Task changed between read and commit and no If-Match pinned it; try again.
  asio::awaitable<std::optional<net::http_response>> try_update(const api_request& request,
                                                                const rapidjson::Document* body, if_match wanted) {
    const std::string& id = request.path_params[0];
    audited_access refusal{core::audit_action::update, "update", "Task", id, false, {}};
    auto read = std::bind_front(&core::store::read, ctx_.store, std::string("Task"), id);
    core::read_outcome stored = co_await await_store<core::read_outcome>(std::move(read));
    if (!stored) {
      refusal.outcome_text = stored.error().message();
      record_access(*ctx_.store, request, refusal);
      co_return make_error_response(error_from_store(stored.error()));
    }
    const core::caller who = core_caller(*request.who);
    const core::access_decision decision = core::decide(who, core::access_action::change_task, stored->owner_org);
    if (decision != core::access_decision::allow) {
      refusal.outcome_text = std::string(core::to_string(decision));
      record_access(*ctx_.store, request, refusal);
      if (decision == core::access_decision::not_found) {
        co_return make_error_response(error_from_store(core::store_errc::not_found));
      }
      co_return make_error_response(api_error::single(
          403, fhir::issue_code::processing,
          "only the platform changes Tasks; a referrer withdraws a referral by revoking its ServiceRequest"));
    }
    if (auto stale = stale_if_match(wanted, stored->version)) co_return make_error_response(*stale);

    const auto now = std::chrono::system_clock::now();
    const rapidjson::Document stored_task = parse_record(*stored);
    auto change = core::merge_task_update(stored_task, *body, business_status_, core::format_instant(now));
    if (!change) co_return make_error_response(error_from_core(change.error()));

    std::string sr_id;
    for (const auto& ref : fhir::json::each(stored_task, "basedOn")) {
      sr_id = id_in_reference(fhir::json::string_member(ref, "reference"), "ServiceRequest");
      if (!sr_id.empty()) break;
    }
    auto read_sr = std::bind_front(&core::store::read, ctx_.store, std::string("ServiceRequest"), sr_id);
    core::read_outcome sr_record = co_await await_store<core::read_outcome>(std::move(read_sr));
    if (!sr_record) co_return make_error_response(error_from_store(sr_record.error()));
    const rapidjson::Document sr = parse_record(*sr_record);

    std::vector<rapidjson::Document> observations;
    if (change->status_changed && change->to == core::task_status::completed) {
      core::search_outcome found = co_await find_referral_observations(&ctx_, sr_id);
      if (!found) co_return make_error_response(error_from_store(found.error()));
      observations = parse_records(found->items);
    }

    core::task_update_input in;
    in.stored = &*stored;
    in.change = &*change;
    in.service_request = &sr;
    in.referral_observations = pointers_to(observations);
    in.feedback = {new_uuid(), ctx_.event_source, request.base_url,
                   feedback_destination_for(ctx_, sr_record->owner_org), &outcome_codes_};
    in.now = now;
    in.audit_id = new_uuid();
    in.audit.caller_name = request.who->name;
    in.audit.caller_org = request.who->organization;
    in.audit.caller_role = request.who->role;
    in.audit.request_id = request.request_id;
    core::platform_plan_outcome plan = core::plan_task_update(in);
    if (!plan) co_return make_error_response(invalid_feedback_message(request, plan.error()));

    const std::size_t task_index = plan->resource_write;
    auto commit = std::bind_front(&core::store::commit, ctx_.store, std::move(plan->work));
    core::commit_outcome committed = co_await await_store<core::commit_outcome>(std::move(commit));
    if (committed) co_return resource_response(request, 200, committed->written[task_index], false);
    if (committed.error().code == core::store_errc::version_conflict && !wanted.present) co_return std::nullopt;
    co_return make_error_response(error_from_store(committed.error().code));
  }

  const app_context& ctx_;
  const core::code_system business_status_;
  const core::code_system outcome_codes_;
};

}  // namespace

void register_task_update_route(route_table& routes, const app_context& context) {
  route r;
  r.method = boost::beast::http::verb::put;
  r.pattern = "/Task/{id}";
  r.resource_type = "Task";
  r.kind = interaction::update;
  r.takes_body = true;
  r.handler = std::make_shared<task_update_handler>(context);
  routes.add(std::move(r));
}

}  // namespace gateway::api
