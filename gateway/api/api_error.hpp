#pragma once
// An error answer on its way to the wire: the one shape every layer's failure is turned into
// before error_response.cpp makes it an HTTP status plus an OperationOutcome.
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
