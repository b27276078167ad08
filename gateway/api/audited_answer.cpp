#include "gateway/api/audited_answer.hpp"

#include <boost/beast/http/verb.hpp>

#include <functional>

#include "gateway/api/fhir_response.hpp"
#include "gateway/api/store_await.hpp"
#include "gateway/telemetry/log.hpp"

namespace gateway::api {
namespace http = boost::beast::http;

namespace {

core::audit_action action_of(http::verb method, const route* matched) {
  if (matched == nullptr) {
    return method == http::verb::get || method == http::verb::head ? core::audit_action::read
                                                                   : core::audit_action::execute;
  }
  switch (matched->kind) {
    case interaction::create:
      return core::audit_action::create;
    case interaction::update:
    case interaction::patch:
      return core::audit_action::update;
    case interaction::delete_:
      return core::audit_action::remove;
    case interaction::read:
    case interaction::vread:
    case interaction::history_instance:
    case interaction::history_type:
    case interaction::history_system:
    case interaction::capabilities:
      return core::audit_action::read;
    default:  // searches, transaction, batch, operations
      return core::audit_action::execute;
  }
}

}  // namespace

boost::asio::awaitable<std::optional<net::http_response>> record_or_refuse(const app::context& ctx, app::caller who,
                                                                           app::request_meta meta,
                                                                           app::audited_access access) {
  auto record = std::bind_front(&app::record_access, std::cref(ctx), std::move(who), meta, std::move(access));
  const core::commit_outcome stored = co_await await_store<core::commit_outcome>(std::move(record));
  if (stored) co_return std::nullopt;
  telemetry::warn("access refused: its audit record could not be stored",
                  {{"request_id", meta.request_id}, {"error", stored.error().code.message()}});
  co_return refusal_response(app::audit_refusal(stored.error()));
}

boost::asio::awaitable<net::http_response> audited(const app::context& ctx, app::caller who, app::request_meta meta,
                                                   app::audited_access access, net::http_response answer) {
  auto record = record_or_refuse(ctx, std::move(who), std::move(meta), std::move(access));
  std::optional<net::http_response> refused = co_await std::move(record);
  co_return refused ? std::move(*refused) : std::move(answer);
}

app::audited_access answer_access(http::verb method, const route* matched, const std::vector<std::string>& params,
                                  std::string_view route_name, unsigned status) {
  app::audited_access a;
  a.action = action_of(method, matched);
  if (matched != nullptr) {
    a.interaction = interaction_code(matched->kind);
    // "/Type/{id}...": the answer is about that resource.
    const std::string named = "/" + matched->resource_type + "/{id}";
    if (!matched->resource_type.empty() && !params.empty() && matched->pattern.starts_with(named)) {
      a.entity_type = matched->resource_type;
      a.entity_id = params.front();
    }
  }
  a.success = status < 400;
  a.server_fault = status >= 500;
  if (!a.success) {
    a.outcome_text = std::string(http::to_string(method)) + " " + std::string(route_name) + " refused (" +
                     std::to_string(status) + ")";
  }
  return a;
}

}  // namespace gateway::api
