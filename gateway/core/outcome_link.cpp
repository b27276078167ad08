#include "gateway/core/outcome_link.hpp"

#include "fhir/json_view.hpp"

namespace gateway::core {
namespace {

std::optional<std::string> first_service_request(const rapidjson::Value* array) {
  if (!array || !array->IsArray()) return std::nullopt;
  for (const auto& ref : array->GetArray()) {
    const auto r = fhir::json::string_member(ref, "reference");
    if (r.starts_with("ServiceRequest/") && r.size() > 15) return std::string(r);
  }
  return std::nullopt;
}

std::string_view link_element(std::string_view type) {
  return type == "DocumentReference" ? "DocumentReference.context.related" : "basedOn";
}

}  // namespace

bool is_outcome_type(std::string_view type) {
  return type == "Observation" || type == "DocumentReference" || type == "QuestionnaireResponse";
}

std::optional<std::string> outcome_service_request(const rapidjson::Value& resource) {
  const auto type = fhir::json::string_member(resource, "resourceType");
  if (type == "Observation" || type == "QuestionnaireResponse")
    return first_service_request(fhir::json::array_member(resource, "basedOn"));
  if (type == "DocumentReference")
    if (const auto* context = fhir::json::object_member(resource, "context"))
      return first_service_request(fhir::json::array_member(*context, "related"));
  return std::nullopt;
}

result<std::string> check_outcome_link(const rapidjson::Value& resource) {
  const auto type = fhir::json::string_member(resource, "resourceType");
  if (!is_outcome_type(type))
    return make_error(error_kind::invalid, "resourceType",
                      "outcomes are Observation, DocumentReference or QuestionnaireResponse");
  if (auto ref = outcome_service_request(resource)) return *ref;
  const std::string element = type == "DocumentReference" ? std::string(link_element(type))
                                                          : std::string(type) + "." + std::string(link_element(type));
  return make_error(error_kind::unprocessable, element, "an outcome must reference the referral's ServiceRequest");
}

}  // namespace gateway::core
