#pragma once
// FHIR JSON is the only format served. These decide 406 (Accept / _format) and 415
// (Content-Type) from the request headers.
#include <string_view>

namespace gateway::api {

// True when an Accept header value admits FHIR JSON (absent or empty admits everything).
bool accepts_fhir_json(std::string_view accept);

// True when a _format parameter value asks for JSON ("json", "application/fhir+json", ...).
bool format_is_json(std::string_view format);

// True for application/fhir+json and application/json, with or without parameters.
bool is_fhir_json_content_type(std::string_view content_type);

}  // namespace gateway::api
