#pragma once
// The one place where answers become HTTP: FHIR JSON bodies with their media type, and errors
// as a status plus an OperationOutcome — the use cases' refusals through one map from refusal
// kind to status (also used by the ops listener's outbox routes).
#include <string>

#include "gateway/api/api_error.hpp"
#include "gateway/app/refusal.hpp"
#include "gateway/net/http_handler.hpp"

namespace gateway::api {

inline constexpr const char* fhir_json_media_type = "application/fhir+json; charset=utf-8";

net::http_response make_fhir_response(unsigned status, std::string body);
net::http_response make_error_response(const api_error& error);

// invalid 400, unprocessable 422, forbidden 403, not_found 404, gone 410, conflict 409,
// precondition_failed 412, too_busy 429, unavailable 503, gateway_fault 500.
unsigned http_status(app::refusal_kind kind);
api_error error_for(app::refusal refusal);
// too_busy and unavailable carry Retry-After: 1.
net::http_response refusal_response(app::refusal refusal);

}  // namespace gateway::api
