#include "adapters/bars/requesting_party.hpp"

#include "adapters/bars/bars_codes.hpp"
#include "adapters/bars/base64_text.hpp"
#include "fhir/json_parse.hpp"
#include "fhir/json_view.hpp"

namespace gateway::bars {
namespace {

using rapidjson::Value;

core::result<rapidjson::Document> decode_resource(std::string_view header, std::string_view text,
                                                  std::string_view resource_type) {
  const auto bytes = decode_base64(text);
  if (!bytes)
    return core::make_error(core::error_kind::invalid, std::string(header),
                            "must be base64 (the standard alphabet) of a FHIR " + std::string(resource_type));
  fhir::json_limits limits;
  limits.max_bytes = 8192;
  limits.max_depth = 8;
  auto parsed = fhir::parse_json(*bytes, limits);
  if (!parsed || !parsed->IsObject() || fhir::json::string_member(*parsed, "resourceType") != resource_type)
    return core::make_error(core::error_kind::invalid, std::string(header),
                            "the decoded value must be a JSON " + std::string(resource_type) + " resource");
  return std::move(*parsed);
}

std::string first_identifier(const Value& resource) {
  for (const Value& id : fhir::json::each(resource, "identifier")) {
    const auto system = fhir::json::string_member(id, "system");
    const auto value = fhir::json::string_member(id, "value");
    if (!value.empty()) return system.empty() ? std::string(value) : std::string(system) + "|" + std::string(value);
  }
  return {};
}

// An element R4 defines as an array that the API's example writes as a single object.
const Value* first_of(const Value& resource, std::string_view name) {
  const Value* v = fhir::json::member(resource, name);
  if (v == nullptr) return nullptr;
  if (v->IsObject()) return v;
  if (v->IsArray() && !v->Empty() && (*v)[0].IsObject()) return &(*v)[0];
  return nullptr;
}

}  // namespace

std::string requesting_party::audit_text() const {
  std::string out;
  auto part = [&](std::string text) {
    if (!out.empty()) out += "; ";
    out += text;
  };
  if (organisation_given)
    part("end-user organisation " + (organisation_code.empty() ? std::string("(no identifier)") : organisation_code) +
         (organisation_name.empty() ? "" : " (" + organisation_name + ")"));
  if (software_given)
    part("requesting software " + (software_name.empty() ? std::string("(no name)") : software_name) +
         (software_version.empty() ? "" : " " + software_version) +
         (software_id.empty() ? "" : " (" + software_id + ")"));
  if (practitioner_given)
    part("requesting practitioner " + (practitioner_id.empty() ? "(no identifier)" : practitioner_id));
  return out;
}

core::result<requesting_party> read_requesting_party(std::optional<std::string_view> end_user_organisation,
                                                     std::optional<std::string_view> requesting_software,
                                                     std::optional<std::string_view> requesting_practitioner) {
  requesting_party out;
  if (end_user_organisation) {
    auto org = decode_resource(headers::end_user_organisation, *end_user_organisation, "Organization");
    if (!org) return org.error();
    out.organisation_given = true;
    out.organisation_code = first_identifier(*org);
    out.organisation_name = std::string(fhir::json::string_member(*org, "name"));
  }
  if (requesting_software) {
    auto device = decode_resource(headers::requesting_software, *requesting_software, "Device");
    if (!device) return device.error();
    out.software_given = true;
    out.software_id = first_identifier(*device);
    if (const Value* name = first_of(*device, "deviceName"))
      out.software_name = std::string(fhir::json::string_member(*name, "name"));
    if (const Value* version = first_of(*device, "version"))
      out.software_version = std::string(fhir::json::string_member(*version, "value"));
  }
  if (requesting_practitioner) {
    auto role = decode_resource(headers::requesting_practitioner, *requesting_practitioner, "PractitionerRole");
    if (!role) return role.error();
    out.practitioner_given = true;
    out.practitioner_id = first_identifier(*role);
  }
  return out;
}

}  // namespace gateway::bars
