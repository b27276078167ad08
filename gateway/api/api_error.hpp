#pragma once
// An error answer on its way to the wire: a status plus an OperationOutcome (fhir_response.cpp
// writes it). Use cases' refusals become one through error_for (fhir_response.hpp), the one map
// from refusal kind to HTTP status; api_error::single is for what only HTTP knows (no route,
// wrong method, media types, certificates, the session's faults).
#include <string>

#include "fhir/outcome.hpp"

namespace gateway::api {

struct api_error {
  unsigned status = 400;
  fhir::outcome outcome;  // at least one issue
  std::string allow;      // for 405: the methods allowed on this path

  static api_error single(unsigned status, fhir::issue_code code, std::string diagnostics,
                          std::string expression = {}) {
    return api_error{
        status, fhir::make_outcome(fhir::severity::error, code, std::move(diagnostics), std::move(expression)), {}};
  }
};

}  // namespace gateway::api
