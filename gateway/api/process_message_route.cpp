#include "gateway/api/process_message_route.hpp"

#include <boost/beast/http/field.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "adapters/bars/bars_codes.hpp"
#include "adapters/bars/conversation.hpp"
#include "adapters/bars/error_codes.hpp"
#include "adapters/bars/message_intake.hpp"
#include "adapters/bars/process_answer.hpp"
#include "gateway/api/audited_answer.hpp"
#include "gateway/api/fhir_response.hpp"
#include "gateway/api/store_await.hpp"
#include "gateway/api/use_case_await.hpp"
#include "gateway/app/audit_trail.hpp"
#include "gateway/app/referral_records.hpp"
#include "gateway/app/services.hpp"
#include "gateway/core/fhir_time.hpp"
#include "gateway/core/json_write.hpp"
#include "gateway/core/store.hpp"
#include "gateway/telemetry/log.hpp"

namespace gateway::api {
namespace asio = boost::asio;

namespace {

// The claim that records a processed cancellation message (owner: the sender's organisation;
// value: the message's Bundle.id), so its repeat is recognised.
constexpr std::string_view message_claim_system = "https://referral-gateway.example.org/fhir/bars-message";

std::optional<std::string_view> header(const net::http_request& r, std::string_view name) {
  const auto it = r.find(boost::beast::string_view(name.data(), name.size()));
  if (it == r.end()) return std::nullopt;
  return std::string_view(it->value().data(), it->value().size());
}

bars::message_headers headers_of(const net::http_request& r) {
  bars::message_headers h;
  h.request_id = header(r, bars::headers::request_id);
  h.correlation_id = header(r, bars::headers::correlation_id);
  h.target_identifier = header(r, bars::headers::target_identifier);
  h.end_user_organisation = header(r, bars::headers::end_user_organisation);
  h.requesting_software = header(r, bars::headers::requesting_software);
  h.requesting_practitioner = header(r, bars::headers::requesting_practitioner);
  return h;
}

// Every BaRS answer echoes the X-Correlation-ID it was sent (X-Request-ID: the API, always).
net::http_response bars_response(int status, std::string body, const net::http_request& r) {
  net::http_response res = make_fhir_response(static_cast<unsigned>(status), std::move(body));
  if (const auto c = header(r, bars::headers::correlation_id)) res.set(bars::headers::correlation_id, *c);
  return res;
}

net::http_response bars_error(const bars::error_answer& e, const net::http_request& r) {
  return bars_response(e.status, e.json, r);
}

// A use case's refusal through the one refusal map, written with BaRS codes.
net::http_response refused(const app::refusal& refusal, const net::http_request& r) {
  return bars_error(bars::make_error_answer(static_cast<int>(http_status(refusal.kind)), refusal.details), r);
}

net::http_response duplicate(const net::http_request& r) {
  return bars_error(bars::duplicate_answer("the message has been identified as having already been processed: "
                                           "nothing was changed"),
                    r);
}

// The referral's conversation, written with it in the create's unit of work.
struct conversation_write {
  bars::conversation origin;
  std::string owner;
  std::string created;

  void operator()(const std::string& service_request_id, core::unit_of_work& work) const {
    bars::conversation c = origin;
    c.service_request_id = service_request_id;
    core::resource_write w;
    w.kind = core::write_kind::create;
    w.type = std::string(bars::conversation_resource_type);
    w.id = bars::conversation_id(service_request_id);
    w.owner_org = owner;
    w.json = core::json::serialise(bars::conversation_resource(c, created));
    work.writes.push_back(std::move(w));
  }
};

// The processed message's Bundle.id, claimed in the cancellation's unit of work.
struct message_claim {
  std::string owner;
  std::string bundle_id;

  void operator()(const std::string& service_request_id, core::unit_of_work& work) const {
    work.claims.push_back({owner, std::string(message_claim_system), bundle_id, "ServiceRequest", service_request_id});
  }
};

const core::resource_record* written_of(const std::vector<core::resource_record>& written, std::string_view type) {
  for (const auto& r : written)
    if (r.type == type) return &r;
  return nullptr;
}

class process_message_handler final : public route_handler {
 public:
  process_message_handler(const app_context& context, std::vector<bars::target_identifier> services)
      : ctx_(context), services_(std::move(services)) {}

  asio::awaitable<net::http_response> handle(const api_request& request) override {
    bars::intake_outcome read =
        bars::read_message_intake(headers_of(request.http), request.http.body(), services_, ctx_.json_limits);
    app::request_meta meta = request.meta();
    meta.via = app::front_door::bars_message;
    if (read.refusal) {
      const bars::error_answer answer = bars::make_error_answer(read.refusal->status, read.refusal->outcome);
      asio::awaitable<net::http_response> audited_answer = audit_refusal(request, std::move(meta), answer);
      co_return co_await std::move(audited_answer);
    }
    bars::message_intake in = std::move(*read.intake);
    meta.correlation_id = in.ids.correlation_id;
    meta.on_behalf_of = in.party.audit_text();
    telemetry::info("bars message", {{"request_id", meta.request_id},
                                     {"correlation_id", meta.correlation_id},
                                     {"reason", std::string(bars::to_string(in.message.reason))}});
    if (in.action == bars::message_action::create_referral) {
      asio::awaitable<net::http_response> created = create(request, std::move(in), std::move(meta));
      co_return co_await std::move(created);
    }
    asio::awaitable<net::http_response> cancelled = cancel(request, std::move(in), std::move(meta));
    co_return co_await std::move(cancelled);
  }

  // Refusals before the handler (certificate, Accept, Content-Type) carry BaRS codes too.
  std::optional<net::http_response> refusal_answer(const api_error& error,
                                                   const net::http_request& request) const override {
    return bars_error(bars::make_error_answer(static_cast<int>(error.status), error.outcome), request);
  }

 private:
  asio::awaitable<net::http_response> create(const api_request& request, bars::message_intake in,
                                             app::request_meta meta) {
    app::referral_create_command command{
        *request.who, meta, app::bundled_referral{in.referral.bundle.get(), &in.referral.entries}, {}};
    command.with_unit = conversation_write{in.origin, request.who->organisation, core::format_instant(ctx_.app->now())};
    app::task<app::result<app::referral_created>> work = ctx_.services->referral_create.create(std::move(command));
    app::result<app::referral_created> done = co_await await_use_case(std::move(work));
    if (!done) co_return refused(done.error(), request.http);
    if (!done->created) co_return duplicate(request.http);  // the sender's ServiceRequest UUID, received before
    const core::resource_record* task = written_of(done->written, "Task");
    co_return answer(request, in, done->service_request, task);
  }

  asio::awaitable<net::http_response> cancel(const api_request& request, bars::message_intake in,
                                             app::request_meta meta) {
    const std::string& owner = request.who->organisation;
    asio::awaitable<boost::system::result<bool>> before = processed_before(owner, in.message.bundle_id);
    const boost::system::result<bool> seen = co_await std::move(before);
    if (!seen) co_return refused(app::refusal_from_store(seen.error()), request.http);
    if (*seen) co_return duplicate(request.http);
    app::referral_cancel_command command{*request.who, meta,
                                         core::identifier{in.identifier_system, in.identifier_value}, std::nullopt};
    command.with_unit = message_claim{owner, in.message.bundle_id};
    app::task<app::result<core::resource_record>> work = ctx_.services->referral_update.cancel(std::move(command));
    app::result<core::resource_record> done = co_await await_use_case(std::move(work));
    if (!done) {
      // The same message processed meanwhile (a concurrent repeat lost the race for the claim).
      if (done.error().kind == app::refusal_kind::conflict) {
        asio::awaitable<boost::system::result<bool>> again = processed_before(owner, in.message.bundle_id);
        const boost::system::result<bool> seen_now = co_await std::move(again);
        if (seen_now && *seen_now) co_return duplicate(request.http);
      }
      co_return refused(done.error(), request.http);
    }
    app::task<app::task_lookup_outcome> finding = app::find_referral_task(ctx_.app, done->id, done->owner_org);
    app::task_lookup_outcome task = co_await await_use_case(std::move(finding));
    co_return answer(request, in, *done, task && *task ? &**task : nullptr);
  }

  // Whether a message with this Bundle.id from this organisation was processed before.
  asio::awaitable<boost::system::result<bool>> processed_before(std::string owner, std::string bundle_id) {
    auto op = std::bind_front(&core::store::find_claim, ctx_.store, std::move(owner), std::string(message_claim_system),
                              std::move(bundle_id));
    core::claim_lookup_outcome claim = co_await await_store<core::claim_lookup_outcome>(std::move(op));
    if (!claim) co_return boost::system::result<bool>(boost::system::in_place_error, claim.error());
    co_return boost::system::result<bool>(boost::system::in_place_value, claim->has_value());
  }

  net::http_response answer(const api_request& request, const bars::message_intake& in,
                            const core::resource_record& service_request, const core::resource_record* task) const {
    if (task == nullptr) {
      return refused(app::refusal::single(app::refusal_kind::gateway_fault, fhir::issue_code::processing,
                                          "the referral was processed but its Task cannot be read"),
                     request.http);
    }
    const rapidjson::Document sr = app::parse_record(service_request);
    const rapidjson::Document task_json = app::parse_record(*task);
    bars::answer_input a;
    a.message_id = ctx_.app->new_id();
    a.timestamp = core::format_instant(ctx_.app->now());
    a.origin = in.origin;
    a.origin.service_request_id = service_request.id;
    a.referrer_ods = request.who->organisation;
    a.platform_ods = ctx_.app->platform_org;
    a.base_url = request.base_url;
    a.service_request = &sr;
    a.task = &task_json;
    a.notes = in.notes;
    return bars_response(200, core::json::serialise(bars::build_process_answer(a)), request.http);
  }

  // A refusal before the use cases ran (they audit their own): answered only once its AuditEvent
  // is durable (audited_answer.hpp). The route is not anonymous, so the caller is known.
  asio::awaitable<net::http_response> audit_refusal(const api_request& request, app::request_meta meta,
                                                    const bars::error_answer& answer) const {
    net::http_response response = bars_error(answer, request.http);
    if (!request.who) co_return response;
    app::audited_access access;
    access.action = core::audit_action::create;
    access.interaction = "operation";
    access.success = false;
    access.outcome_text = "$process-message refused: HTTP " + std::to_string(answer.status);
    asio::awaitable<net::http_response> audited_answer =
        audited(*ctx_.app, *request.who, std::move(meta), std::move(access), std::move(response));
    co_return co_await std::move(audited_answer);
  }

  const app_context& ctx_;
  const std::vector<bars::target_identifier> services_;
};

}  // namespace

void register_process_message_route(route_table& routes, const app_context& context,
                                    std::vector<bars::target_identifier> services) {
  if (services.empty()) return;
  route r;
  r.method = boost::beast::http::verb::post;
  r.pattern = "/$process-message";
  r.kind = interaction::operation;
  r.operation = "process-message";
  r.operation_definition = "http://hl7.org/fhir/OperationDefinition/MessageHeader-process-message";
  r.takes_body = true;
  r.handler = std::make_shared<process_message_handler>(context, std::move(services));
  routes.add(std::move(r));
}

}  // namespace gateway::api
