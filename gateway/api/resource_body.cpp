#include "gateway/api/resource_body.hpp"

#include "fhir/json_view.hpp"
#include "fhir/validator.hpp"
#include "gateway/api/resource_answer.hpp"

namespace gateway::api {

std::variant<rapidjson::Document, api_error> read_resource_body(const api_request& request, std::string_view type,
                                                                const fhir::json_limits& limits) {
  auto parsed = fhir::parse_json(request.http.body(), limits);
  if (!parsed) return error_from_validation(400, fhir::to_outcome(parsed.error()));
  if (!parsed->IsObject() || fhir::json::string_member(*parsed, "resourceType") != type) {
    return api_error::single(
        400, fhir::issue_code::invalid,
        std::string(request.http.method_string()) + " here takes a " + std::string(type) + " resource", "resourceType");
  }
  fhir::outcome r4 = fhir::validate(*parsed);
  if (!r4.ok()) return error_from_validation(400, std::move(r4));
  return std::move(*parsed);
}

}  // namespace gateway::api
