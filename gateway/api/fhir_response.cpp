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

unsigned http_status(app::refusal_kind kind) {
  using app::refusal_kind;
  switch (kind) {
    case refusal_kind::invalid:
      return 400;
    case refusal_kind::unprocessable:
      return 422;
    case refusal_kind::forbidden:
      return 403;
    case refusal_kind::not_found:
      return 404;
    case refusal_kind::gone:
      return 410;
    case refusal_kind::conflict:
      return 409;
    case refusal_kind::precondition_failed:
      return 412;
    case refusal_kind::too_busy:
      return 429;
    case refusal_kind::unavailable:
      return 503;
    case refusal_kind::gateway_fault:
      break;
  }
  return 500;
}

api_error error_for(app::refusal refusal) {
  return api_error{http_status(refusal.kind), std::move(refusal.details), {}};
}

net::http_response refusal_response(app::refusal refusal) {
  const bool retry = refusal.kind == app::refusal_kind::too_busy || refusal.kind == app::refusal_kind::unavailable;
  net::http_response res = make_error_response(error_for(std::move(refusal)));
  if (retry) res.set(boost::beast::http::field::retry_after, "1");
  return res;
}

}  // namespace gateway::api
