#include "gateway/api/resource_answer.hpp"

#include <boost/beast/http/field.hpp>

#include <cstdio>
#include <ctime>

#include "fhir/operation_outcome_json.hpp"
#include "gateway/api/fhir_api.hpp"
#include "gateway/api/fhir_response.hpp"
#include "gateway/core/store_errc.hpp"

namespace gateway::api {
namespace http = boost::beast::http;

prefer_return preferred_return(const api_request& request) {
  const std::string_view prefer = request.http["Prefer"];
  if (prefer.find("return=minimal") != std::string_view::npos) return prefer_return::minimal;
  if (prefer.find("return=OperationOutcome") != std::string_view::npos) return prefer_return::operation_outcome;
  return prefer_return::representation;
}

std::string http_date_of_instant(std::string_view instant) {
  std::tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  const std::string text(instant);
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &year, &month, &day, &hour, &minute, &second) != 6)
    return {};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::time_t t = timegm(&tm);
  std::tm normalised{};
  gmtime_r(&t, &normalised);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &normalised);
  return buf;
}

namespace {

void set_version_headers(net::http_response& res, const core::resource_record& record) {
  res.set(http::field::etag, "W/\"" + std::to_string(record.version) + "\"");
  const std::string date = http_date_of_instant(record.last_updated);
  if (!date.empty()) res.set(http::field::last_modified, date);
}

}  // namespace

net::http_response resource_response(const api_request& request, unsigned status, const core::resource_record& record,
                                     bool location) {
  net::http_response res;
  switch (preferred_return(request)) {
    case prefer_return::representation:
      res = make_fhir_response(status, record.json);
      break;
    case prefer_return::minimal:
      res.result(status);
      break;
    case prefer_return::operation_outcome:
      res = make_fhir_response(status, fhir::to_operation_outcome_json(fhir::make_outcome(
                                           fhir::severity::information, fhir::issue_code::processing,
                                           (status == 201 ? "created " : "found ") + record.type + "/" + record.id +
                                               " version " + std::to_string(record.version))));
      break;
  }
  set_version_headers(res, record);
  if (location) {
    res.set(http::field::location,
            request.base_url + "/" + record.type + "/" + record.id + "/_history/" + std::to_string(record.version));
  }
  return res;
}

net::http_response read_response(const core::resource_record& record) {
  net::http_response res = make_fhir_response(200, record.json);
  set_version_headers(res, record);
  return res;
}

api_error error_from_store(const boost::system::error_code& ec) {
  using core::store_errc;
  if (ec == store_errc::not_found) return api_error::single(404, fhir::issue_code::not_found, "no such resource");
  if (ec == store_errc::gone) return api_error::single(410, fhir::issue_code::not_found, "the resource was deleted");
  if (ec == store_errc::version_conflict) {
    return api_error::single(412, fhir::issue_code::processing,
                             "If-Match names a version that is no longer current; read the resource again");
  }
  if (ec == store_errc::too_busy) {
    return api_error::single(429, fhir::issue_code::processing, "the gateway is busy; retry shortly");
  }
  if (ec == store_errc::invalid_request) {
    return api_error::single(400, fhir::issue_code::invalid,
                             "the request cannot be served as given (for example a paging cursor from another search)");
  }
  if (ec == store_errc::identifier_taken || ec == store_errc::already_exists) {
    return api_error::single(409, fhir::issue_code::processing, "a resource with this identity already exists");
  }
  return api_error::single(503, fhir::issue_code::processing,
                           "storage is unavailable; nothing was stored. Retry later");
}

api_error error_from_core(const core::error& e) {
  unsigned status = 400;
  fhir::issue_code code = fhir::issue_code::invalid;
  switch (e.kind) {
    case core::error_kind::invalid:
      break;
    case core::error_kind::unprocessable:
      status = 422;
      code = fhir::issue_code::processing;
      break;
    case core::error_kind::forbidden:
      status = 403;
      code = fhir::issue_code::processing;
      break;
    case core::error_kind::not_found:
      status = 404;
      code = fhir::issue_code::not_found;
      break;
  }
  return api_error::single(status, code, e.message, e.expression);
}

api_error error_from_validation(unsigned status, fhir::outcome outcome) {
  return api_error{status, std::move(outcome), {}};
}

core::caller core_caller(const caller& who) {
  return core::caller{who.role == "platform" ? core::caller_role::platform : core::caller_role::referrer,
                      who.organization};
}

std::string new_uuid() {
  return request_id_for({});
}

}  // namespace gateway::api
