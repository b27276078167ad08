// A batch Bundle: each entry is a request of its own, answered by the route that answers it on
// its own (POST ServiceRequest: the referral intake; GET: reads and searches), so a batch entry
// is validated, access-checked and audited exactly as the same request sent alone. One entry's
// failure is that entry's response; the batch answers 200 with a status per entry.
#include <boost/beast/http/field.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "fhir/json_view.hpp"
#include "fhir/operation_outcome_json.hpp"
#include "gateway/api/bundle_handlers.hpp"
#include "gateway/api/bundle_response.hpp"
#include "gateway/api/fhir_response.hpp"
#include "gateway/core/json_write.hpp"

namespace gateway::api {
namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

bundle_entry_answer refused(unsigned status, fhir::issue_code code, std::string diagnostics, std::string expression) {
  bundle_entry_answer a;
  a.status = status_text(status);
  a.outcome_json = fhir::to_operation_outcome_json(
      fhir::make_outcome(fhir::severity::error, code, std::move(diagnostics), std::move(expression)));
  return a;
}

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

asio::awaitable<bundle_entry_answer> answer_entry(const route_table& routes, const api_request& outer,
                                                  const rapidjson::Value& entry, std::size_t index) {
  const std::string at = "Bundle.entry[" + std::to_string(index) + "]";
  const auto* request = fhir::json::object_member(entry, "request");
  if (request == nullptr) {
    co_return refused(400, fhir::issue_code::required, "a batch entry needs a request", at + ".request");
  }
  const std::string_view method = fhir::json::string_member(*request, "method");
  const std::string_view url = relative_url(fhir::json::string_member(*request, "url"), outer.base_url);
  const auto qmark = url.find('?');
  const std::string_view path = url.substr(0, qmark);
  const std::string_view query = qmark == std::string_view::npos ? std::string_view{} : url.substr(qmark + 1);

  http::verb verb = http::verb::get;
  const rapidjson::Value* resource = nullptr;
  if (method == "POST" && path == "ServiceRequest" && query.empty()) {
    verb = http::verb::post;
    resource = fhir::json::object_member(entry, "resource");
    if (resource == nullptr) {
      co_return refused(400, fhir::issue_code::required, "a POST entry needs a resource", at + ".resource");
    }
  } else if (method != "GET") {
    co_return refused(405, fhir::issue_code::not_supported,
                      "a batch takes GET entries and POST entries that create a ServiceRequest only",
                      at + ".request.method");
  }

  route_match match = routes.match(verb, "/" + std::string(path));
  if (match.result == route_match::outcome::not_found) {
    co_return refused(404, fhir::issue_code::not_found, "no FHIR endpoint at this url", at + ".request.url");
  }
  if (match.result == route_match::outcome::wrong_method) {
    co_return refused(405, fhir::issue_code::not_supported, "not supported here; allowed: " + match.allow,
                      at + ".request.method");
  }

  net::http_request http_request{verb, "/" + std::string(url), 11};
  if (resource != nullptr) {
    http_request.set(http::field::content_type, "application/fhir+json");
    http_request.body() = core::json::serialise(*resource);
  }
  if (const std::string_view prefer = outer.http["Prefer"]; !prefer.empty()) http_request.set("Prefer", prefer);
  const std::string_view if_none_exist = fhir::json::string_member(*request, "ifNoneExist");
  if (!if_none_exist.empty()) http_request.set("If-None-Exist", if_none_exist);
  http_request.prepare_payload();

  const api_request inner{http_request, std::move(match.params), parse_query(query),
                          outer.who,    outer.request_id,        outer.base_url};
  net::http_response response = co_await match.matched->handler->handle(inner);
  co_return answer_of_response(response, outer.base_url);
}

}  // namespace

asio::awaitable<net::http_response> answer_batch(const route_table& routes, const api_request& request,
                                                 const rapidjson::Value& bundle) {
  std::vector<bundle_entry_answer> answers;
  if (const auto* entries = fhir::json::array_member(bundle, "entry")) {
    for (rapidjson::SizeType i = 0; i < entries->Size(); ++i) {
      const rapidjson::Value& entry = (*entries)[i];
      if (!entry.IsObject()) {
        answers.push_back(refused(400, fhir::issue_code::structure, "a batch entry is an object",
                                  "Bundle.entry[" + std::to_string(i) + "]"));
        continue;
      }
      bundle_entry_answer answer = co_await answer_entry(routes, request, entry, i);
      answers.push_back(std::move(answer));
    }
  }
  co_return make_fhir_response(200, bundle_response_json("batch-response", answers));
}

}  // namespace gateway::api
