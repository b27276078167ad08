#pragma once
// The body of a write that must carry one FHIR resource of a given type: parsed within the
// configured limits, of that type, and valid R4. Every route that takes a resource reads it here,
// so they all refuse a bad body the same way (invalid, 400, with an OperationOutcome naming the
// element) before any use case sees it.
#include <rapidjson/document.h>

#include <string_view>
#include <variant>

#include "fhir/json_parse.hpp"
#include "gateway/api/api_request.hpp"
#include "gateway/app/refusal.hpp"

namespace gateway::api {

std::variant<rapidjson::Document, app::refusal> read_resource_body(const api_request& request, std::string_view type,
                                                                   const fhir::json_limits& limits);

}  // namespace gateway::api
