#pragma once
// The one place where answers become HTTP: FHIR JSON bodies with their media type, and errors
// as a status plus an OperationOutcome.
#include <string>

#include "gateway/api/api_error.hpp"
#include "gateway/net/http_handler.hpp"

namespace gateway::api {

inline constexpr const char* fhir_json_media_type = "application/fhir+json; charset=utf-8";

net::http_response make_fhir_response(unsigned status, std::string body);
net::http_response make_error_response(const api_error& error);

}  // namespace gateway::api
