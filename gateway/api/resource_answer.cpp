#include "gateway/api/resource_answer.hpp"

#include <boost/beast/http/field.hpp>

#include <cstdio>
#include <ctime>

#include "fhir/operation_outcome_json.hpp"
#include "gateway/api/fhir_response.hpp"

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

}  // namespace gateway::api
