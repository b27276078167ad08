#include "gateway/api/resource_body.hpp"

#include "fhir/json_view.hpp"
#include "fhir/validator.hpp"

namespace gateway::api {

std::variant<rapidjson::Document, app::refusal> read_resource_body(const api_request& request, std::string_view type,
                                                                   const fhir::json_limits& limits) {
  auto parsed = fhir::parse_json(request.http.body(), limits);
  if (!parsed) return app::refusal_from_validation(app::refusal_kind::invalid, fhir::to_outcome(parsed.error()));
  if (!parsed->IsObject() || fhir::json::string_member(*parsed, "resourceType") != type) {
    return app::refusal::single(
        app::refusal_kind::invalid, fhir::issue_code::invalid,
        std::string(request.http.method_string()) + " here takes a " + std::string(type) + " resource", "resourceType");
  }
  fhir::outcome r4 = fhir::validate(*parsed);
  if (!r4.ok()) return app::refusal_from_validation(app::refusal_kind::invalid, std::move(r4));
  return std::move(*parsed);
}

}  // namespace gateway::api
