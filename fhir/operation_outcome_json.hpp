#pragma once
// Serialises an fhir::outcome as an R4 OperationOutcome resource (JSON). Pure function; callable
// from any thread.

#include <string>

#include "fhir/outcome.hpp"

namespace fhir {

// A valid R4 OperationOutcome. An outcome with no issues becomes the single information issue
// "All OK" (code informational), which is what a successful $validate answers. Each issue carries
// severity, code, diagnostics and, when known, expression (a one-element array).
std::string to_operation_outcome_json(const outcome& o);

}  // namespace fhir
