#include "adapters/bars/reply_envelope.hpp"

#include "adapters/bars/bars_codes.hpp"
#include "fhir/json_parse.hpp"
#include "gateway/core/json_read.hpp"
#include "gateway/core/json_write.hpp"

namespace gateway::bars {

namespace json = core::json;

std::string write_envelope(const reply_envelope& e) {
  // The message is already serialised: splice it in rather than parse it again.
  rapidjson::Document head(rapidjson::kObjectType);
  auto& a = head.GetAllocator();
  json::add_string(head, "url", e.url, a);
  rapidjson::Value headers(rapidjson::kObjectType);
  json::add_string(headers, headers::request_id, e.request_id, a);
  json::add_string(headers, headers::correlation_id, e.correlation_id, a);
  if (!e.target_identifier.empty()) json::add_string(headers, headers::target_identifier, e.target_identifier, a);
  head.AddMember("headers", headers, a);
  std::string out = json::serialise(head);
  out.pop_back();  // the closing brace
  out += ",\"message\":";
  out += e.message;
  out += '}';
  return out;
}

std::optional<reply_envelope> read_envelope(std::string_view payload) {
  fhir::json_limits limits;
  limits.max_bytes = 64u * 1024u * 1024u;
  auto parsed = fhir::parse_json(payload, limits);
  if (!parsed || !parsed->IsObject()) return std::nullopt;
  reply_envelope e;
  e.url = std::string(json::string_member(*parsed, "url"));
  const rapidjson::Value* headers = json::object_member(*parsed, "headers");
  const rapidjson::Value* message = json::object_member(*parsed, "message");
  if (headers == nullptr || message == nullptr || e.url.empty()) return std::nullopt;
  e.request_id = std::string(json::string_member(*headers, headers::request_id));
  e.correlation_id = std::string(json::string_member(*headers, headers::correlation_id));
  e.target_identifier = std::string(json::string_member(*headers, headers::target_identifier));
  if (e.request_id.empty() || e.correlation_id.empty()) return std::nullopt;
  e.message = json::serialise(*message);
  return e;
}

}  // namespace gateway::bars
