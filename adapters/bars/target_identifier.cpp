#include "adapters/bars/target_identifier.hpp"

#include "adapters/bars/bars_codes.hpp"
#include "adapters/bars/base64_text.hpp"
#include "adapters/bars/nhs_identifier_system.hpp"
#include "fhir/json_parse.hpp"
#include "fhir/json_view.hpp"
#include "gateway/core/json_write.hpp"

namespace gateway::bars {
namespace {

core::error header_error(std::string message) {
  return core::make_error(core::error_kind::invalid, std::string(headers::target_identifier), std::move(message));
}

}  // namespace

std::optional<target_identifier> parse_endpoint_identifier(std::string_view endpoint) {
  const auto bar = endpoint.find('|');
  if (bar == std::string_view::npos || bar == 0 || bar + 1 >= endpoint.size()) return std::nullopt;
  if (endpoint.find('|', bar + 1) != std::string_view::npos) return std::nullopt;
  return target_identifier{std::string(endpoint.substr(0, bar)), std::string(endpoint.substr(bar + 1))};
}

std::string to_endpoint_text(const target_identifier& id) {
  return id.system + "|" + id.value;
}

core::result<target_identifier> decode_target_identifier(std::string_view header_value) {
  const auto decoded = decode_base64(header_value);
  if (!decoded) return header_error("must be base64 (the standard alphabet) of a JSON object");
  fhir::json_limits limits;
  limits.max_bytes = 4096;
  limits.max_depth = 4;
  const auto parsed = fhir::parse_json(*decoded, limits);
  if (!parsed || !parsed->IsObject()) return header_error("the decoded value must be a JSON object");
  const auto system = fhir::json::string_member(*parsed, "system");
  const auto value = fhir::json::string_member(*parsed, "value");
  if (system.empty() || value.empty())
    return header_error("the decoded object must have the strings \"system\" and \"value\"");
  return target_identifier{std::string(system), std::string(value)};
}

std::string encode_target_identifier(const target_identifier& id) {
  rapidjson::Document d(rapidjson::kObjectType);
  core::json::add_string(d, "value", id.value, d.GetAllocator());
  core::json::add_string(d, "system", id.system, d.GetAllocator());
  return encode_base64(core::json::serialise(d));
}

bool same_service(const target_identifier& a, const target_identifier& b) {
  return a.value == b.value && canonical_nhs_system(a.system).system == canonical_nhs_system(b.system).system;
}

const target_identifier* find_service(const std::vector<target_identifier>& ours, const target_identifier& id) {
  for (const auto& o : ours)
    if (same_service(o, id)) return &o;
  return nullptr;
}

}  // namespace gateway::bars
