#include "adapters/bars/conversation.hpp"

#include <array>
#include <utility>

#include "fhir/json_view.hpp"
#include "gateway/core/json_write.hpp"

namespace gateway::bars {
namespace {

namespace json = core::json;
using rapidjson::Value;

// The members of the conversation extension, in the order written.
struct field {
  std::string_view url;
  std::string conversation::*member;
};

constexpr std::array<field, 8> fields = {{
    {"bundleId", &conversation::original_bundle_id},
    {"correlationId", &conversation::correlation_id},
    {"sourceEndpoint", &conversation::source_endpoint},
    {"destinationEndpoint", &conversation::destination_endpoint},
    {"serviceRequest", &conversation::service_request_uuid},
    {"encounter", &conversation::encounter_full_url},
    {"encounterClassSystem", &conversation::encounter_class_system},
    {"encounterClassCode", &conversation::encounter_class_code},
}};

}  // namespace

std::string conversation_id(std::string_view service_request_id) {
  return "bars-" + std::string(service_request_id);
}

rapidjson::Document conversation_resource(const conversation& c, std::string_view created) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  json::add_string(d, "resourceType", conversation_resource_type, a);
  json::add_string(d, "id", conversation_id(c.service_request_id), a);
  Value extension(rapidjson::kObjectType);
  json::add_string(extension, "url", conversation_extension, a);
  Value parts(rapidjson::kArrayType);
  for (const auto& f : fields) {
    const std::string& v = c.*f.member;
    if (v.empty()) continue;
    Value part(rapidjson::kObjectType);
    json::add_string(part, "url", f.url, a);
    json::add_string(part, "valueString", v, a);
    parts.PushBack(part, a);
  }
  extension.AddMember("extension", parts, a);
  Value extensions(rapidjson::kArrayType);
  extensions.PushBack(extension, a);
  d.AddMember("extension", extensions, a);
  d.AddMember(
      "code",
      json::codeable_concept(conversation_code_system, "bars-conversation", "BaRS conversation of a referral", a), a);
  d.AddMember("subject", json::reference("ServiceRequest/" + c.service_request_id, a), a);
  json::add_string(d, "created", created.substr(0, 10), a);  // Basic.created is a date
  return d;
}

std::optional<conversation> read_conversation(const Value& resource) {
  if (fhir::json::string_member(resource, "resourceType") != conversation_resource_type) return std::nullopt;
  const Value* subject = fhir::json::object_member(resource, "subject");
  const std::string_view ref = subject ? fhir::json::string_member(*subject, "reference") : std::string_view{};
  if (!ref.starts_with("ServiceRequest/")) return std::nullopt;
  conversation c;
  c.service_request_id = std::string(ref.substr(15));
  bool found = false;
  for (const Value& ext : fhir::json::each(resource, "extension")) {
    if (fhir::json::string_member(ext, "url") != conversation_extension) continue;
    found = true;
    for (const Value& part : fhir::json::each(ext, "extension"))
      for (const auto& f : fields)
        if (fhir::json::string_member(part, "url") == f.url)
          c.*f.member = std::string(fhir::json::string_member(part, "valueString"));
  }
  if (!found || c.original_bundle_id.empty() || c.correlation_id.empty()) return std::nullopt;
  return c;
}

}  // namespace gateway::bars
