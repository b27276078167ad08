#pragma once
// BaRS error answers: the receiver error codes of https://fhir.nhs.uk/Codesystem/http-error-codes
// with the HTTP status each goes with (API 1.5.0, responses 4XX-BARS and 5XX-BARS, "REC_" rows),
// as data the one error map uses. A BaRS answer is an OperationOutcome whose issues carry the
// code in issue.details.coding, as in the API's examples (examples1.5.0/OperationOutcome/REC/).
//
// Statuses the gateway answers that BaRS has no receiver code for fold into the nearest BaRS
// status, so a BaRS sender always gets a status its retry rules know: 406, 413, 415 and 431
// become 400 REC_BAD_REQUEST, 410 becomes 404 REC_NOT_FOUND, 412 becomes 409 REC_CONFLICT, any
// other 4xx 400 and any other 5xx 500. The issues' own codes (required, value, invariant, ...) are
// kept; REC_CONFLICT with issue.code "duplicate" is given only by duplicate_answer, because BaRS
// reserves that pair for "this message was processed before" (Core, receiver responsibilities).
//
// Thread safety: immutable table, pure functions.
#include <span>
#include <string>
#include <string_view>

#include "fhir/outcome.hpp"

namespace gateway::bars {

struct error_code {
  int status = 0;               // the HTTP status BaRS pairs with the code
  std::string_view code;        // REC_BAD_REQUEST, ...
  std::string_view issue_code;  // OperationOutcome.issue.code used when nothing more precise is known
  std::string_view meaning;     // the API's description, shortened
};

std::span<const error_code> error_table();

// The entry for one of the gateway's HTTP statuses (after folding, above).
const error_code& error_for_status(int http_status);

struct error_answer {
  int status = 0;
  std::string json;  // the OperationOutcome
};

// `outcome`'s issues (diagnostics, expression, their own code) each with the BaRS code of
// `http_status`; an outcome without issues gets one error issue with the table's issue code.
error_answer make_error_answer(int http_status, const fhir::outcome& outcome);

// 409 REC_CONFLICT, issue.code duplicate: the message was processed before; nothing was changed.
error_answer duplicate_answer(std::string diagnostics);

}  // namespace gateway::bars
