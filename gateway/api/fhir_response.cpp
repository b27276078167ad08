#include "gateway/api/fhir_response.hpp"

#include <boost/beast/http/field.hpp>

#include "fhir/operation_outcome_json.hpp"

namespace gateway::api {

net::http_response make_fhir_response(unsigned status, std::string body) {
  net::http_response res;
  res.result(status);
  res.set(boost::beast::http::field::content_type, fhir_json_media_type);
  res.body() = std::move(body);
  return res;
}

net::http_response make_error_response(const api_error& error) {
  net::http_response res = make_fhir_response(error.status, fhir::to_operation_outcome_json(error.outcome));
  if (!error.allow.empty()) res.set(boost::beast::http::field::allow, error.allow);
  return res;
}

}  // namespace gateway::api
