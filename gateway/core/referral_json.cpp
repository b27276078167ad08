#include "gateway/core/referral_json.hpp"

namespace gateway::core {
namespace {

void add_if(rapidjson::Value& o, std::string_view name, std::string_view s, json::allocator& a) {
  if (!s.empty()) json::add_string(o, name, s, a);
}

rapidjson::Value coding_json(const coding& c, json::allocator& a) {
  rapidjson::Value v(rapidjson::kObjectType);
  add_if(v, "system", c.system, a);
  add_if(v, "code", c.code, a);
  add_if(v, "display", c.display, a);
  return v;
}

template <class Value>
void add_value(rapidjson::Value& o, const Value& src, json::allocator& a) {
  if (src.value_number) o.AddMember("valueNumber", *src.value_number, a);
  if (!src.value_codes.empty()) {
    o.AddMember("valueCode", coding_json(src.value_codes.front(), a), a);
    if (src.value_codes.size() > 1) {
      rapidjson::Value all(rapidjson::kArrayType);
      for (const auto& c : src.value_codes) all.PushBack(coding_json(c, a), a);
      o.AddMember("valueCodes", all, a);
    }
  }
  if (src.value_boolean) o.AddMember("valueBoolean", *src.value_boolean, a);
  add_if(o, "valueString", src.value_text, a);
}

}  // namespace

rapidjson::Value referral_to_json(const referral& r, json::allocator& a) {
  rapidjson::Value o(rapidjson::kObjectType);
  add_if(o, "serviceRequestId", r.service_request_id, a);
  add_if(o, "status", r.status, a);
  if (!r.referrer_identifier.value.empty()) {
    rapidjson::Value id(rapidjson::kObjectType);
    add_if(id, "system", r.referrer_identifier.system, a);
    add_if(id, "value", r.referrer_identifier.value, a);
    o.AddMember("identifier", id, a);
  }
  add_if(o, "requesterOds", r.requester_ods, a);
  rapidjson::Value patient(rapidjson::kObjectType);
  add_if(patient, "nhsNumber", r.nhs_number, a);
  if (r.birth_date) json::add_string(patient, "birthDate", format_date(*r.birth_date), a);
  o.AddMember("patient", patient, a);
  rapidjson::Value reasons(rapidjson::kArrayType);
  for (const auto& c : r.reasons) reasons.PushBack(coding_json(c, a), a);
  o.AddMember("reasons", reasons, a);
  json::add_string(o, "priority", to_string(r.priority), a);
  add_if(o, "authoredOn", r.authored_on, a);
  add_if(o, "occurrence", r.occurrence, a);
  add_if(o, "note", r.note, a);
  rapidjson::Value observations(rapidjson::kArrayType);
  for (const auto& ob : r.observations) {
    rapidjson::Value v(rapidjson::kObjectType);
    rapidjson::Value codes(rapidjson::kArrayType);
    for (const auto& c : ob.codes) codes.PushBack(coding_json(c, a), a);
    v.AddMember("codes", codes, a);
    add_value(v, ob, a);
    add_if(v, "effective", ob.effective, a);
    observations.PushBack(v, a);
  }
  o.AddMember("observations", observations, a);
  rapidjson::Value answers(rapidjson::kArrayType);
  for (const auto& an : r.answers) {
    rapidjson::Value v(rapidjson::kObjectType);
    add_if(v, "linkId", an.link_id, a);
    add_value(v, an, a);
    answers.PushBack(v, a);
  }
  o.AddMember("answers", answers, a);
  return o;
}

}  // namespace gateway::core
