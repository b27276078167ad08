#include "gateway/api/fhir_api.hpp"

#include <boost/beast/http/field.hpp>

#include <chrono>

#include "gateway/api/audited_answer.hpp"
#include "gateway/api/content_negotiation.hpp"
#include "gateway/api/fhir_response.hpp"
#include "gateway/api/ops_gate.hpp"
#include "gateway/telemetry/log.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace gateway::api {
namespace http = boost::beast::http;

namespace {

// A Host header safe to put into Location and fullUrl (host, IPv4, [IPv6], optional port).
std::string base_url_of(const net::http_request& request, const std::string& base_path) {
  const auto host = request[http::field::host];
  const bool safe = !host.empty() && host.size() <= 255 &&
                    host.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-:[]") ==
                        std::string_view::npos;
  return "https://" + (safe ? std::string(host) : std::string("localhost")) + base_path;
}

const char* fault_route(net::request_fault) {
  return "(unread request)";
}

// The audit name of a caller configuration does not know: its certificate's fingerprint, or none.
app::caller unidentified(const net::peer_identity& peer) {
  app::caller who;
  if (peer.present) who.name = "unregistered certificate sha256:" + peer.sha256;
  return who;
}

app::audited_access refusal_access(const net::http_request& request, unsigned status, const std::string& route_name) {
  app::audited_access a;
  a.action = request.method() == http::verb::get || request.method() == http::verb::head ? core::audit_action::read
                                                                                         : core::audit_action::execute;
  a.success = false;
  a.outcome_text =
      std::string(request.method_string()) + " " + route_name + " refused (" + std::to_string(status) + ")";
  return a;
}

}  // namespace

fhir_api::fhir_api(std::string base_path, const route_table& routes, const ops_route_table& ops_routes,
                   const caller_registry& callers, const app::context& audit, telemetry::metrics& metrics)
    : base_path_(std::move(base_path)),
      routes_(routes),
      ops_routes_(ops_routes),
      callers_(callers),
      audit_(audit),
      metrics_(metrics) {}

boost::asio::awaitable<net::http_response> fhir_api::handle(net::http_request request, net::request_context context) {
  const auto started = std::chrono::steady_clock::now();
  std::string request_id = request_id_for(request["X-Request-ID"]);
  std::string route_name = "(no route)";
  std::string organization;
  net::http_response response;

  const std::string_view target = request.target();
  const auto qmark = target.find('?');
  const std::string_view path = target.substr(0, qmark);
  const std::string_view query_text = qmark == std::string_view::npos ? std::string_view{} : target.substr(qmark + 1);

  std::optional<api_error> error;
  const route* matched = nullptr;
  route_match match;
  std::optional<caller> who;
  if (is_ops_path(path)) {
    who = callers_.find(*context.peer);
    if (who) organization = who->organisation;
    ops_call call{request,
                  path.substr(ops_prefix.size()),
                  query_text,
                  who,
                  context.peer->present,
                  app::request_meta{request_id, {}, app::front_door::fhir_rest, base_url_of(request, base_path_)}};
    auto serving = serve_ops(ops_routes_, audit_, std::move(call), route_name);
    response = co_await std::move(serving);
  } else if (path.substr(0, base_path_.size()) != base_path_ ||
             (path.size() > base_path_.size() && path[base_path_.size()] != '/')) {
    error = api_error::single(404, fhir::issue_code::not_found,
                              "no FHIR endpoint at this path; the FHIR base is " + base_path_);
  } else {
    match = routes_.match(request.method(), path.substr(base_path_.size()));
    if (match.result == route_match::outcome::not_found) {
      error = api_error::single(404, fhir::issue_code::not_found, "no FHIR endpoint at this path");
    } else if (match.result == route_match::outcome::wrong_method) {
      error =
          api_error::single(405, fhir::issue_code::not_supported,
                            std::string(request.method_string()) + " is not supported here; allowed: " + match.allow);
      error->allow = match.allow;
    } else {
      matched = match.matched;
      route_name = matched->pattern;
    }
  }

  std::vector<query_param> query = parse_query(query_text);
  if (!error && matched == nullptr) {
    // Answered above (/ops).
  } else if (!error) {
    bool json = accepts_fhir_json(request[http::field::accept]);
    for (const auto& p : query) {
      if (p.name == "_format") json = format_is_json(p.value);
    }
    if (!json) {
      error = api_error::single(406, fhir::issue_code::not_supported,
                                "this server answers only application/fhir+json (see Accept and _format)");
    }
  }

  if (!error && matched != nullptr) {
    who = callers_.find(*context.peer);
    if (who) organization = who->organisation;
    if (!who && !matched->allow_anonymous) {
      error = context.peer->present
                  ? api_error::single(403, fhir::issue_code::processing,
                                      "the client certificate is not registered for any caller")
                  : api_error::single(401, fhir::issue_code::processing, "a client certificate is required");
    } else if (who && who->role == core::caller_role::operator_) {
      error = api_error::single(403, fhir::issue_code::processing,
                                "an operator certificate reaches only the /ops routes, no clinical resource");
    }
  }

  if (!error && matched != nullptr && matched->takes_body &&
      !is_fhir_json_content_type(request[http::field::content_type])) {
    error = api_error::single(415, fhir::issue_code::not_supported, "send the resource as application/fhir+json");
  }

  if (error) {
    // Refused before any handler ran: audited here, once, before the answer leaves.
    const app::caller audited_caller = who ? *who : callers_.find(*context.peer).value_or(unidentified(*context.peer));
    std::optional<net::http_response> worded;
    if (matched != nullptr) worded = matched->handler->refusal_answer(*error, request);
    auto answer = audited(audit_, audited_caller, app::request_meta{request_id, {}, app::front_door::fhir_rest, {}},
                          refusal_access(request, error->status, route_name),
                          worded ? std::move(*worded) : make_error_response(*error));
    response = co_await std::move(answer);
  } else if (matched != nullptr) {
    const api_request api{request,    std::move(match.params),         std::move(query), std::move(who),
                          request_id, base_url_of(request, base_path_)};
    response = co_await matched->handler->handle(api);
  }

  response.set("X-Request-ID", request_id);
  if (request.method() == http::verb::head) response.body().clear();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics_.count_request(context.listener, request.method_string(), route_name, response.result_int(), seconds);
  // Route pattern, never the raw target: paths and queries may carry identifiers.
  telemetry::info("request", {{"request_id", request_id},
                              {"method", std::string(request.method_string())},
                              {"route", route_name},
                              {"status", response.result_int()},
                              {"latency_ms", seconds * 1000.0},
                              {"org", organization}});
  co_return response;
}

const route* fhir_api::route_of(const net::http_request& head) const {
  const std::string_view target = head.target();
  const std::string_view path = target.substr(0, target.find('?'));
  if (path.substr(0, base_path_.size()) != base_path_) return nullptr;
  const route_match match = routes_.match(head.method(), path.substr(base_path_.size()));
  return match.result == route_match::outcome::found ? match.matched : nullptr;
}

net::http_response fhir_api::fault_response(net::request_fault fault, const net::request_context& context) {
  api_error error;
  switch (fault) {
    case net::request_fault::header_too_large:
      error =
          api_error::single(431, fhir::issue_code::too_costly, "request headers are larger than this server accepts");
      break;
    case net::request_fault::body_too_large:
      error = api_error::single(413, fhir::issue_code::too_costly, "request body is larger than this server accepts");
      break;
    case net::request_fault::timeout:
      error = api_error::single(408, fhir::issue_code::processing, "the request was not received in time");
      break;
    case net::request_fault::malformed:
      error = api_error::single(400, fhir::issue_code::invalid, "malformed HTTP request");
      break;
  }
  // A request whose header was read names its route: that route words the answer (BaRS codes).
  std::optional<net::http_response> worded;
  if (context.head != nullptr)
    if (const route* r = route_of(*context.head)) worded = r->handler->refusal_answer(error, *context.head);
  net::http_response response = worded ? std::move(*worded) : make_error_response(error);
  const std::string request_id =
      request_id_for(context.head != nullptr ? (*context.head)["X-Request-ID"] : boost::beast::string_view{});
  response.set("X-Request-ID", request_id);
  metrics_.count_request(context.listener, "-", fault_route(fault), response.result_int(), 0.0);
  telemetry::info("request", {{"request_id", request_id},
                              {"route", fault_route(fault)},
                              {"status", response.result_int()},
                              {"remote", context.remote_address}});
  return response;
}

}  // namespace gateway::api
