#include "gateway/app/refusal.hpp"

#include <stdexcept>

#include "gateway/core/store_errc.hpp"

namespace gateway::app {

std::string_view to_string(refusal_kind kind) {
  switch (kind) {
    case refusal_kind::invalid:
      return "invalid";
    case refusal_kind::unprocessable:
      return "unprocessable";
    case refusal_kind::forbidden:
      return "forbidden";
    case refusal_kind::not_found:
      return "not-found";
    case refusal_kind::gone:
      return "gone";
    case refusal_kind::conflict:
      return "conflict";
    case refusal_kind::precondition_failed:
      return "precondition-failed";
    case refusal_kind::too_busy:
      return "too-busy";
    case refusal_kind::unavailable:
      return "unavailable";
    case refusal_kind::gateway_fault:
      return "gateway-fault";
  }
  return "invalid";
}

refusal refusal::single(refusal_kind kind, fhir::issue_code code, std::string diagnostics, std::string expression) {
  return refusal{kind, fhir::make_outcome(fhir::severity::error, code, std::move(diagnostics), std::move(expression))};
}

const std::string& refusal::message() const {
  for (const auto& i : details.issues) {
    if (i.severity == fhir::severity::error) return i.diagnostics;
  }
  static const std::string none;
  return details.issues.empty() ? none : details.issues.front().diagnostics;
}

void throw_exception_from_error(const refusal& r, const boost::source_location&) {
  throw std::runtime_error("refused (" + std::string(to_string(r.kind)) + "): " + r.message());
}

refusal refusal_from_store(const boost::system::error_code& ec) {
  using core::store_errc;
  using fhir::issue_code;
  if (ec == store_errc::not_found)
    return refusal::single(refusal_kind::not_found, issue_code::not_found, "no such resource");
  if (ec == store_errc::gone)
    return refusal::single(refusal_kind::gone, issue_code::not_found, "the resource was deleted");
  if (ec == store_errc::version_conflict) {
    return refusal::single(refusal_kind::precondition_failed, issue_code::processing,
                           "If-Match names a version that is no longer current; read the resource again");
  }
  if (ec == store_errc::too_busy) {
    return refusal::single(refusal_kind::too_busy, issue_code::processing, "the gateway is busy; retry shortly");
  }
  if (ec == store_errc::invalid_request) {
    return refusal::single(refusal_kind::invalid, issue_code::invalid,
                           "the request cannot be served as given (for example a paging cursor from another search)");
  }
  if (ec == store_errc::identifier_taken || ec == store_errc::already_exists) {
    return refusal::single(refusal_kind::conflict, issue_code::processing,
                           "a resource with this identity already exists");
  }
  return refusal::single(refusal_kind::unavailable, issue_code::processing,
                         "storage is unavailable; nothing was stored. Retry later");
}

refusal refusal_from_core(const core::error& e) {
  switch (e.kind) {
    case core::error_kind::invalid:
      break;
    case core::error_kind::unprocessable:
      return refusal::single(refusal_kind::unprocessable, fhir::issue_code::processing, e.message, e.expression);
    case core::error_kind::forbidden:
      return refusal::single(refusal_kind::forbidden, fhir::issue_code::processing, e.message, e.expression);
    case core::error_kind::not_found:
      return refusal::single(refusal_kind::not_found, fhir::issue_code::not_found, e.message, e.expression);
  }
  return refusal::single(refusal_kind::invalid, fhir::issue_code::invalid, e.message, e.expression);
}

refusal refusal_from_validation(refusal_kind kind, fhir::outcome outcome) {
  return refusal{kind, std::move(outcome)};
}

}  // namespace gateway::app
