#include "gateway/api/ops_gate.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <boost/beast/http/field.hpp>

#include "gateway/api/audited_answer.hpp"
#include "gateway/api/route_table.hpp"
#include "gateway/core/json_write.hpp"

namespace gateway::api {
namespace http = boost::beast::http;

namespace {

net::http_response json_error(unsigned status, std::string_view message) {
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  w.StartObject();
  core::json::key_string(w, "error", message);
  w.EndObject();
  net::http_response res;
  res.result(status);
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "no-store");
  res.body().assign(out.GetString(), out.GetSize());
  return res;
}

bool changes_state(http::verb method) {
  return method != http::verb::get && method != http::verb::head;
}

// The AuditEvent of one operator access: an execute of the operation, about the outbox item
// when the route names one.
app::audited_access ops_access(const ops_call& call, const ops_route* route, const std::vector<std::string>& params,
                               unsigned status) {
  app::audited_access a;
  a.action = changes_state(call.http.method()) ? core::audit_action::update : core::audit_action::read;
  a.interaction = "operation";
  a.success = status < 400;
  a.server_fault = status >= 500;
  a.outcome_text = std::string(call.http.method_string()) + " /ops" + (route != nullptr ? route->pattern : "") + " (" +
                   std::to_string(status) + ")";
  // The outbox routes name an item; other routes' parameters (a table's name) are no entity.
  if (!params.empty() && route != nullptr && route->pattern.starts_with("/outbox/"))
    a.more_entities.push_back({{}, params[0], "urn:referral-gateway:outbox-item"});
  return a;
}

}  // namespace

bool is_ops_path(std::string_view path) {
  return path == ops_prefix || (path.size() > ops_prefix.size() && path.substr(0, ops_prefix.size()) == ops_prefix &&
                                path[ops_prefix.size()] == '/');
}

std::string cross_site_refusal(const net::http_request& request) {
  const std::string_view fetch_site = request["Sec-Fetch-Site"];
  if (!fetch_site.empty() && fetch_site != "same-origin" && fetch_site != "none") {
    return "cross-site request refused (Sec-Fetch-Site: " + std::string(fetch_site) + ")";
  }
  const std::string_view origin = request[http::field::origin];
  if (!origin.empty() && origin != "https://" + std::string(request[http::field::host])) {
    return "cross-site request refused: the Origin is not this listener";
  }
  return {};
}

boost::asio::awaitable<net::http_response> serve_ops(const ops_route_table& routes, const app::context& audit,
                                                     ops_call call, std::string& route_name) {
  route_name = "/ops(other)";
  const caller who = call.who.value_or(caller{});
  if (!call.who) {
    const unsigned status = call.certificate_present ? 403 : 401;
    auto answer = audited(
        audit, who, call.meta, ops_access(call, nullptr, {}, status),
        json_error(status, call.certificate_present ? "the client certificate is not registered for any caller"
                                                    : "a client certificate of role operator or platform is required"));
    co_return co_await std::move(answer);
  }
  if (who.role != core::caller_role::operator_ && who.role != core::caller_role::platform) {
    auto answer = audited(audit, who, call.meta, ops_access(call, nullptr, {}, 403),
                          json_error(403, "the /ops routes are for callers of role operator or platform"));
    co_return co_await std::move(answer);
  }
  if (changes_state(call.http.method())) {
    if (const std::string why = cross_site_refusal(call.http); !why.empty()) {
      auto answer = audited(audit, who, call.meta, ops_access(call, nullptr, {}, 403), json_error(403, why));
      co_return co_await std::move(answer);
    }
  }
  const ops_match found = routes.match(call.http.method(), call.path);
  net::http_response response;
  if (found.route != nullptr && changes_state(call.http.method())) {
    // A change is on the audit trail before it is made: when the record cannot be stored the
    // operator gets 503 and nothing changes. The record says what was asked, by whom; the item's
    // own attempt history says what came of it.
    route_name = "/ops" + found.route->pattern;
    app::audited_access asked = ops_access(call, found.route, found.params, 0);
    asked.outcome_text = std::string(call.http.method_string()) + " /ops" + found.route->pattern + " requested";
    auto record = record_or_refuse(audit, who, call.meta, std::move(asked));
    std::optional<net::http_response> refused = co_await std::move(record);
    if (refused) co_return std::move(*refused);
    const ops_request request{call.http, found.params, parse_query(call.query), who, call.meta};
    co_return co_await found.route->handler->handle(request);
  }
  if (found.route != nullptr) {
    route_name = "/ops" + found.route->pattern;
    const ops_request request{call.http, found.params, parse_query(call.query), who, call.meta};
    response = co_await found.route->handler->handle(request);
  } else if (!found.allow.empty()) {
    response = json_error(405, "method not allowed");
    response.set(http::field::allow, found.allow);
  } else {
    response = json_error(404, "no operator route at this path");
  }
  auto answer = audited(audit, who, call.meta, ops_access(call, found.route, found.params, response.result_int()),
                        std::move(response));
  co_return co_await std::move(answer);
}

}  // namespace gateway::api
