#include "gateway/core/triage_event.hpp"

#include "gateway/core/fhir_time.hpp"
#include "gateway/core/json_write.hpp"
#include "gateway/core/referral_json.hpp"

namespace gateway::core {

std::string_view to_string(referral_event_type t) {
  switch (t) {
    case referral_event_type::received:
      return "referral.received";
    case referral_event_type::updated:
      return "referral.updated";
    case referral_event_type::cancelled:
      return "referral.cancelled";
    case referral_event_type::escalated:
      return "referral.escalated";
  }
  return "referral.updated";
}

std::string build_triage_event(const triage_event_header& h, const referral& r, const triage_result& triage) {
  rapidjson::Document event(rapidjson::kObjectType);
  auto& a = event.GetAllocator();
  json::add_string(event, "specversion", "1.0", a);
  json::add_string(event, "id", h.id, a);
  json::add_string(event, "source", h.source, a);
  json::add_string(event, "type", to_string(h.type), a);
  json::add_string(event, "subject", "ServiceRequest/" + h.service_request_id, a);
  json::add_string(event, "time", format_instant(h.time), a);
  json::add_string(event, "datacontenttype", "application/json", a);
  if (!h.correlation_id.empty()) json::add_string(event, "correlationid", h.correlation_id, a);

  rapidjson::Value data(rapidjson::kObjectType);
  data.AddMember("referral", referral_to_json(r, a), a);
  if (triage.suggested_step) json::add_string(data, "suggestedStep", *triage.suggested_step, a);
  json::add_string(data, "priority", to_string(triage.priority), a);
  rapidjson::Value flags(rapidjson::kArrayType);
  for (const auto& f : triage.flags) flags.PushBack(json::string(f, a), a);
  data.AddMember("flags", flags, a);
  rapidjson::Value rules(rapidjson::kArrayType);
  for (const auto& id : triage.matched_rules) rules.PushBack(json::string(id, a), a);
  data.AddMember("matchedRules", rules, a);
  if (!h.task_reference.empty()) json::add_string(data, "task", h.task_reference, a);
  event.AddMember("data", data, a);
  return json::serialise(event);
}

}  // namespace gateway::core
