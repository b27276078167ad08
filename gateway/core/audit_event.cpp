#include "gateway/core/audit_event.hpp"

#include "gateway/core/fhir_time.hpp"
#include "gateway/core/json_write.hpp"

#include <utility>

namespace gateway::core {
namespace {

const char* action_code(audit_action a) {
  switch (a) {
    case audit_action::create:
      return "C";
    case audit_action::read:
      return "R";
    case audit_action::update:
      return "U";
    case audit_action::remove:
      return "D";
    case audit_action::execute:
      return "E";
  }
  return "E";
}

}  // namespace

audit_record build_audit_record(const audit_input& in) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& a = doc.GetAllocator();
  const std::string recorded = format_instant(in.recorded);
  json::add_string(doc, "resourceType", "AuditEvent", a);
  json::add_string(doc, "id", in.id, a);
  json::add(doc, "type",
            json::coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation", a), a);
  if (!in.interaction.empty()) {
    rapidjson::Value subtype(rapidjson::kArrayType);
    subtype.PushBack(json::coding("http://hl7.org/fhir/restful-interaction", in.interaction, "", a), a);
    json::add(doc, "subtype", std::move(subtype), a);
  }
  json::add_string(doc, "action", action_code(in.action), a);
  json::add_string(doc, "recorded", recorded, a);
  json::add_string(doc, "outcome", in.outcome, a);
  if (!in.outcome_text.empty()) json::add_string(doc, "outcomeDesc", in.outcome_text, a);

  rapidjson::Value agent(rapidjson::kObjectType);
  json::add(agent, "type",
            json::codeable_concept("http://terminology.hl7.org/CodeSystem/extra-security-role-type", "humanuser",
                                   "human user", a, in.caller_role),
            a);
  json::add(agent, "who", json::logical_reference("https://fhir.nhs.uk/Id/ods-organization-code", in.caller_org, a), a);
  if (!in.caller_name.empty()) json::add_string(agent, "name", in.caller_name, a);
  agent.AddMember("requestor", true, a);
  rapidjson::Value agents(rapidjson::kArrayType);
  agents.PushBack(agent, a);
  json::add(doc, "agent", std::move(agents), a);

  rapidjson::Value source(rapidjson::kObjectType);
  json::add_string(source, "site", "referral-gateway", a);
  rapidjson::Value observer(rapidjson::kObjectType);
  json::add_string(observer, "display", "referral-gateway", a);
  json::add(source, "observer", std::move(observer), a);
  json::add(doc, "source", std::move(source), a);

  // The request's ids and on whose behalf it came, as entity details (each "" is left out).
  const std::pair<const char*, const std::string*> details_given[] = {
      {"X-Request-ID", &in.request_id},
      {"X-Correlation-ID", &in.correlation_id},
      {"on-behalf-of", &in.on_behalf_of},
  };
  rapidjson::Value details(rapidjson::kArrayType);
  for (const auto& [type, value] : details_given) {
    if (value->empty()) continue;
    rapidjson::Value detail(rapidjson::kObjectType);
    json::add_string(detail, "type", type, a);
    json::add_string(detail, "valueString", *value, a);
    details.PushBack(detail, a);
  }
  if (!in.entity_type.empty() || !details.Empty() || !in.more_entities.empty()) {
    rapidjson::Value entity(rapidjson::kObjectType);
    if (!in.entity_type.empty()) {
      json::add(entity, "what", json::reference(in.entity_type + "/" + in.entity_id, a), a);
    }
    if (!details.Empty()) json::add(entity, "detail", std::move(details), a);
    rapidjson::Value entities(rapidjson::kArrayType);
    entities.PushBack(entity, a);
    for (const auto& more : in.more_entities) {
      rapidjson::Value e(rapidjson::kObjectType);
      if (!more.type.empty()) {
        json::add(e, "what", json::reference(more.type + "/" + more.id, a), a);
      } else {
        json::add(e, "what", json::logical_reference(more.system, more.id, a), a);
      }
      entities.PushBack(e, a);
    }
    json::add(doc, "entity", std::move(entities), a);
  }

  audit_record r;
  r.id = in.id;
  r.recorded = recorded;
  r.caller_org = in.caller_org;
  r.caller_role = in.caller_role;
  r.action = in.action;
  r.entity_type = in.entity_type;
  r.entity_id = in.entity_id;
  r.outcome = in.outcome;
  r.request_id = in.request_id;
  r.json = json::serialise(doc);
  return r;
}

}  // namespace gateway::core
