// A batch Bundle: each entry is a request of its own, answered by the route that answers it on
// its own (POST ServiceRequest: the referral intake; GET: reads and searches), so a batch entry
// is validated, access-checked and audited exactly as the same request sent alone: one AuditEvent
// per entry, also for an entry refused before any route took it. One entry's failure is that
// entry's response; the batch answers 200 with a status per entry.
#include <boost/beast/http/field.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "fhir/json_view.hpp"
#include "fhir/operation_outcome_json.hpp"
#include "gateway/api/audited_answer.hpp"
#include "gateway/api/bundle_handlers.hpp"
#include "gateway/api/bundle_response.hpp"
#include "gateway/api/fhir_response.hpp"
#include "gateway/core/json_write.hpp"

namespace gateway::api {
namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

// An entry's request.url relative to the base: "ServiceRequest/1", "Task?status=requested".
std::string_view relative_url(std::string_view url, std::string_view base_url) {
  if (!base_url.empty() && url.starts_with(base_url)) url.remove_prefix(base_url.size());
  while (url.starts_with('/')) url.remove_prefix(1);
  return url;
}

// The route's HTTP answer as a batch-response entry.
bundle_entry_answer answer_of_response(const net::http_response& res, const std::string& base_url) {
  bundle_entry_answer a;
  const unsigned status = res.result_int();
  a.status = status_text(status);
  std::string_view location = res[http::field::location];
  if (!location.empty()) a.location = std::string(relative_url(location, base_url));
  a.etag = std::string(res[http::field::etag]);
  if (res.body().empty()) return a;
  rapidjson::Document body;
  body.Parse(res.body().data(), res.body().size());
  if (body.HasParseError() || !body.IsObject()) return a;
  const std::string_view type = fhir::json::string_member(body, "resourceType");
  if (type == "OperationOutcome") {
    a.outcome_json = res.body();
    return a;
  }
  a.resource_json = res.body();
  const std::string_view id = fhir::json::string_member(body, "id");
  if (!id.empty() && type != "Bundle") a.full_url = base_url + "/" + std::string(type) + "/" + std::string(id);
  if (const auto* meta = fhir::json::object_member(body, "meta")) {
    a.last_modified = std::string(fhir::json::string_member(*meta, "lastUpdated"));
  }
  return a;
}

// An entry refused before any route took it.
net::http_response refused(unsigned status, fhir::issue_code code, std::string diagnostics, std::string expression) {
  return make_error_response(api_error::single(status, code, std::move(diagnostics), std::move(expression)));
}

// The entry's answer from its route (or its refusal), recorded once: by the route or the use case
// it called (the entry's own mark), else here.
asio::awaitable<net::http_response> answer_entry(const app_context& ctx, const route_table& routes,
                                                 const api_request& outer, const rapidjson::Value& entry,
                                                 std::size_t index) {
  const std::string at = "Bundle.entry[" + std::to_string(index) + "]";
  http::verb verb = http::verb::get;
  route_match match;
  net::http_response response;
  auto mark = std::make_shared<app::audit_mark>();
  const auto* request = entry.IsObject() ? fhir::json::object_member(entry, "request") : nullptr;
  const std::string_view method = request ? fhir::json::string_member(*request, "method") : std::string_view{};
  const std::string_view url =
      request ? relative_url(fhir::json::string_member(*request, "url"), outer.base_url) : std::string_view{};
  const auto qmark = url.find('?');
  const std::string_view path = url.substr(0, qmark);
  const std::string_view query = qmark == std::string_view::npos ? std::string_view{} : url.substr(qmark + 1);
  const rapidjson::Value* resource = nullptr;
  if (method == "POST" && path == "ServiceRequest" && query.empty()) {
    verb = http::verb::post;
    resource = fhir::json::object_member(entry, "resource");
  }

  if (!entry.IsObject()) {
    response = refused(400, fhir::issue_code::structure, "a batch entry is an object", at);
  } else if (request == nullptr) {
    response = refused(400, fhir::issue_code::required, "a batch entry needs a request", at + ".request");
  } else if (verb == http::verb::post && resource == nullptr) {
    response = refused(400, fhir::issue_code::required, "a POST entry needs a resource", at + ".resource");
  } else if (verb != http::verb::post && method != "GET") {
    response =
        refused(405, fhir::issue_code::not_supported,
                "a batch takes GET entries and POST entries that create a ServiceRequest only", at + ".request.method");
  } else if (match = routes.match(verb, "/" + std::string(path)); match.result == route_match::outcome::not_found) {
    response = refused(404, fhir::issue_code::not_found, "no FHIR endpoint at this url", at + ".request.url");
  } else if (match.result == route_match::outcome::wrong_method) {
    response = refused(405, fhir::issue_code::not_supported, "not supported here; allowed: " + match.allow,
                       at + ".request.method");
  } else {
    net::http_request http_request{verb, "/" + std::string(url), 11};
    if (resource != nullptr) {
      http_request.set(http::field::content_type, "application/fhir+json");
      http_request.body() = core::json::serialise(*resource);
    }
    if (const std::string_view prefer = outer.http["Prefer"]; !prefer.empty()) http_request.set("Prefer", prefer);
    const std::string_view if_none_exist = fhir::json::string_member(*request, "ifNoneExist");
    if (!if_none_exist.empty()) http_request.set("If-None-Exist", if_none_exist);
    http_request.prepare_payload();

    const api_request inner{http_request,   match.params, parse_query(query), outer.who, outer.request_id,
                            outer.base_url, mark};
    response = co_await match.matched->handler->handle(inner);
  }
  if (mark->recorded.load()) co_return response;
  const std::string route_name = match.matched != nullptr ? match.matched->pattern : "(batch entry)";
  const http::verb asked = match.matched != nullptr ? verb : http::string_to_verb(method);
  auto answer = audited(
      *ctx.app, *outer.who, app::request_meta{outer.request_id, {}, app::front_door::fhir_rest, {}, mark},
      answer_access(asked, match.matched, match.params, route_name, response.result_int()), std::move(response));
  co_return co_await std::move(answer);
}

}  // namespace

asio::awaitable<net::http_response> answer_batch(const app_context& ctx, const route_table& routes,
                                                 const api_request& request, const rapidjson::Value& bundle) {
  std::vector<bundle_entry_answer> answers;
  if (const auto* entries = fhir::json::array_member(bundle, "entry")) {
    for (rapidjson::SizeType i = 0; i < entries->Size(); ++i) {
      net::http_response response = co_await answer_entry(ctx, routes, request, (*entries)[i], i);
      answers.push_back(answer_of_response(response, request.base_url));
    }
  }
  // Each entry has its record; a batch without entries gets the front door's.
  if (!answers.empty()) app::mark_audited(request.meta());
  co_return make_fhir_response(200, bundle_response_json("batch-response", answers));
}

}  // namespace gateway::api
