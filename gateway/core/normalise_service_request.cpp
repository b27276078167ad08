#include "gateway/core/normalise_service_request.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/code_systems.hpp"

#include <set>
#include <span>
#include <string>

namespace gateway::core {
namespace {

using rapidjson::Value;

// Resolves references for one ServiceRequest: "#id" against its contained resources (an error
// when missing, because a dangling contained reference is a broken resource), anything else
// through the caller's lookup (absent is fine: the resource may simply not be in this request).
class resolver {
 public:
  resolver(const Value& service_request, const reference_lookup& lookup)
      : service_request_(service_request), lookup_(lookup) {}

  // nullptr with no error: not resolvable here. An error: a contained reference that dangles.
  result<const Value*> resolve(std::string_view reference, const std::string& expression) const {
    if (reference.empty()) return nullptr;
    if (reference.front() == '#') {
      const std::string_view id = reference.substr(1);
      for (const Value& c : fhir::json::each(service_request_, "contained"))
        if (fhir::json::string_member(c, "id") == id) return &c;
      return make_error(error_kind::invalid, expression,
                        "'" + std::string(reference) + "' does not resolve to a contained resource");
    }
    if (lookup_) return lookup_(reference);
    return nullptr;
  }

 private:
  const Value& service_request_;
  const reference_lookup& lookup_;
};

std::string_view resource_type(const Value& v) {
  return fhir::json::string_member(v, "resourceType");
}

std::vector<coding> codings_of(const Value* codeable_concept) {
  std::vector<coding> out;
  if (!codeable_concept) return out;
  for (const Value& c : fhir::json::each(*codeable_concept, "coding"))
    out.push_back(coding{std::string(fhir::json::string_member(c, "system")),
                         std::string(fhir::json::string_member(c, "code")),
                         std::string(fhir::json::string_member(c, "display"))});
  return out;
}

std::string identifier_value(const Value& resource, std::string_view system) {
  for (const Value& id : fhir::json::each(resource, "identifier"))
    if (fhir::json::string_member(id, "system") == system) return std::string(fhir::json::string_member(id, "value"));
  return {};
}

// A Reference's own logical identifier, when it has the given system.
std::string logical_identifier(const Value* reference, std::string_view system) {
  if (!reference) return {};
  const Value* id = fhir::json::object_member(*reference, "identifier");
  if (!id || fhir::json::string_member(*id, "system") != system) return {};
  return std::string(fhir::json::string_member(*id, "value"));
}

// Fills the observation value fields shared by Observation and Observation.component.
void read_observation_value(const Value& source, supporting_observation& out) {
  if (const Value* q = fhir::json::object_member(source, "valueQuantity"))
    out.value_number = fhir::json::number_member(*q, "value");
  else if (auto i = fhir::json::number_member(source, "valueInteger"))
    out.value_number = i;
  if (const Value* cc = fhir::json::object_member(source, "valueCodeableConcept")) out.value_codes = codings_of(cc);
  out.value_boolean = fhir::json::bool_member(source, "valueBoolean");
  out.value_text = std::string(fhir::json::string_member(source, "valueString"));
}

void add_observation(const Value& obs, std::string_view source, referral& out) {
  supporting_observation base;
  base.codes = codings_of(fhir::json::object_member(obs, "code"));
  read_observation_value(obs, base);
  base.effective = std::string(fhir::json::string_member(obs, "effectiveDateTime"));
  if (base.effective.empty())
    if (const Value* p = fhir::json::object_member(obs, "effectivePeriod"))
      base.effective = std::string(fhir::json::string_member(*p, "start"));
  base.source = std::string(source);
  for (const Value& comp : fhir::json::each(obs, "component")) {
    supporting_observation c;
    c.codes = codings_of(fhir::json::object_member(comp, "code"));
    read_observation_value(comp, c);
    c.effective = base.effective;
    c.source = base.source;
    out.observations.push_back(std::move(c));
  }
  out.observations.push_back(std::move(base));
}

// The numeric weight of a coded answer (R4 `ordinalValue` extension on the Coding or answer),
// so that "PHQ-9 item 9 > 0" works whether the answer was sent as an integer or a LOINC answer.
std::optional<double> ordinal_value(const Value& holder) {
  for (const Value& ext : fhir::json::each(holder, "extension"))
    if (fhir::json::string_member(ext, "url") == systems::ordinal_value_extension)
      return fhir::json::number_member(ext, "valueDecimal");
  return std::nullopt;
}

// What an item says it asks, besides its linkId: the last segment of `definition` (a URI such
// as "http://loinc.org/44260-8" or "Questionnaire/phq-9#44260-8") and the codes of an item
// `code` a sender added. Triage matches a question by any of these.
std::vector<std::string> item_codes(const Value& item) {
  std::vector<std::string> out;
  const std::string_view definition = fhir::json::string_member(item, "definition");
  if (!definition.empty()) {
    const auto cut = definition.find_last_of("/#");
    const std::string_view last = cut == std::string_view::npos ? definition : definition.substr(cut + 1);
    if (!last.empty()) out.emplace_back(last);
  }
  for (const Value& code : fhir::json::each(item, "code"))
    if (auto c = fhir::json::string_member(code, "code"); !c.empty()) out.emplace_back(c);
  return out;
}

void add_items(const Value& item_owner, std::string_view source, referral& out, int depth) {
  if (depth > 32) return;  // hostile nesting: the validator bounds depth too; never recurse unboundedly
  for (const Value& item : fhir::json::each(item_owner, "item")) {
    const std::string link_id(fhir::json::string_member(item, "linkId"));
    const std::vector<std::string> codes = item_codes(item);
    for (const Value& answer : fhir::json::each(item, "answer")) {
      questionnaire_answer a;
      a.link_id = link_id;
      a.item_codes = codes;
      a.source = std::string(source);
      if (auto n = fhir::json::number_member(answer, "valueInteger"))
        a.value_number = n;
      else if (auto d = fhir::json::number_member(answer, "valueDecimal"))
        a.value_number = d;
      if (const Value* c = fhir::json::object_member(answer, "valueCoding")) {
        a.value_codes.push_back(coding{std::string(fhir::json::string_member(*c, "system")),
                                       std::string(fhir::json::string_member(*c, "code")),
                                       std::string(fhir::json::string_member(*c, "display"))});
        if (!a.value_number) a.value_number = ordinal_value(*c);
        if (!a.value_number) a.value_number = ordinal_value(answer);
      }
      a.value_boolean = fhir::json::bool_member(answer, "valueBoolean");
      a.value_text = std::string(fhir::json::string_member(answer, "valueString"));
      out.answers.push_back(std::move(a));
      add_items(answer, source, out, depth + 1);  // answers may nest items
    }
    add_items(item, source, out, depth + 1);  // groups nest items
  }
}

void add_supporting(const Value& resource, std::string_view source, referral& out) {
  const auto type = resource_type(resource);
  if (type == "Observation")
    add_observation(resource, source, out);
  else if (type == "QuestionnaireResponse")
    add_items(resource, source, out, 0);
  else if (type == "Flag" || type == "Condition")
    for (auto& c : codings_of(fhir::json::object_member(resource, "code"))) out.findings.push_back(std::move(c));
}

result<void> read_patient(const Value& sr, const resolver& r, referral& out) {
  const Value* subject = fhir::json::object_member(sr, "subject");
  if (!subject) return {};
  out.nhs_number = logical_identifier(subject, systems::nhs_number);
  auto patient = r.resolve(fhir::json::string_member(*subject, "reference"), "ServiceRequest.subject.reference");
  if (!patient) return patient.error();
  if (const Value* p = *patient) {
    if (resource_type(*p) != "Patient")
      return make_error(error_kind::invalid, "ServiceRequest.subject.reference",
                        "refers to a " + std::string(resource_type(*p)) + ", not a Patient");
    if (out.nhs_number.empty()) out.nhs_number = identifier_value(*p, systems::nhs_number);
    out.birth_date = parse_fhir_date(fhir::json::string_member(*p, "birthDate"));
  }
  return {};
}

std::string ods_of_organisation(const Value* reference, const resolver& r, const std::string& expr) {
  std::string code = logical_identifier(reference, systems::ods_organisation);
  if (!code.empty() || !reference) return code;
  auto org = r.resolve(fhir::json::string_member(*reference, "reference"), expr);
  if (org && *org && resource_type(**org) == "Organization") return identifier_value(**org, systems::ods_organisation);
  return {};
}

result<void> read_requester(const Value& sr, const resolver& r, referral& out) {
  const Value* requester = fhir::json::object_member(sr, "requester");
  if (!requester) return {};
  out.requester_ods = logical_identifier(requester, systems::ods_organisation);
  if (!out.requester_ods.empty()) return {};
  auto target = r.resolve(fhir::json::string_member(*requester, "reference"), "ServiceRequest.requester.reference");
  if (!target) return target.error();
  const Value* t = *target;
  if (!t) return {};
  const auto type = resource_type(*t);
  if (type == "Organization") {
    out.requester_ods = identifier_value(*t, systems::ods_organisation);
  } else if (type == "PractitionerRole") {
    out.requester_ods = ods_of_organisation(fhir::json::object_member(*t, "organization"), r,
                                            "PractitionerRole.organization.reference");
  }
  return {};
}

result<void> read_reasons(const Value& sr, const resolver& r, referral& out) {
  for (const Value& cc : fhir::json::each(sr, "reasonCode"))
    for (auto& c : codings_of(&cc)) out.reasons.push_back(std::move(c));
  int i = 0;
  for (const Value& ref : fhir::json::each(sr, "reasonReference")) {
    auto cond = r.resolve(fhir::json::string_member(ref, "reference"),
                          "ServiceRequest.reasonReference[" + std::to_string(i++) + "].reference");
    if (!cond) return cond.error();
    if (*cond && resource_type(**cond) == "Condition")
      for (auto& c : codings_of(fhir::json::object_member(**cond, "code"))) out.reasons.push_back(std::move(c));
  }
  return {};
}

result<void> read_supporting_info(const Value& sr, const resolver& r, std::span<const Value* const> others,
                                  referral& out) {
  std::set<const Value*> seen;  // a resource named twice, or named and contained, counts once
  int i = 0;
  for (const Value& ref : fhir::json::each(sr, "supportingInfo")) {
    const auto reference = fhir::json::string_member(ref, "reference");
    auto res = r.resolve(reference, "ServiceRequest.supportingInfo[" + std::to_string(i++) + "].reference");
    if (!res) return res.error();
    if (*res && seen.insert(*res).second) add_supporting(**res, reference, out);
  }
  for (const Value& c : fhir::json::each(sr, "contained")) {
    if (!seen.insert(&c).second) continue;
    std::string source = "#";
    source += fhir::json::string_member(c, "id");
    add_supporting(c, source, out);
  }
  for (const Value* o : others)
    if (o != nullptr && seen.insert(o).second) add_supporting(*o, fhir::json::string_member(*o, "id"), out);
  return {};
}

}  // namespace

result<referral> normalise_service_request(const Value& sr, const reference_lookup& lookup,
                                           std::span<const Value* const> others) {
  if (!sr.IsObject() || resource_type(sr) != "ServiceRequest")
    return make_error(error_kind::invalid, "resourceType", "expected a ServiceRequest");
  const resolver r(sr, lookup);
  referral out;
  out.service_request_id = std::string(fhir::json::string_member(sr, "id"));
  out.status = std::string(fhir::json::string_member(sr, "status"));
  for (const Value& id : fhir::json::each(sr, "identifier")) {
    const auto system = fhir::json::string_member(id, "system");
    const auto value = fhir::json::string_member(id, "value");
    if (!system.empty() && !value.empty()) {
      out.referrer_identifier = identifier{std::string(system), std::string(value)};
      break;
    }
  }
  if (const Value* p = fhir::json::member(sr, "priority")) {
    const auto parsed = parse_request_priority(fhir::json::as_string(p));
    if (!parsed)
      return make_error(error_kind::invalid, "ServiceRequest.priority",
                        "'" + std::string(fhir::json::as_string(p)) + "' is not one of routine, urgent, asap, stat");
    out.priority = *parsed;
  }
  out.authored_on = std::string(fhir::json::string_member(sr, "authoredOn"));
  out.occurrence = std::string(fhir::json::string_member(sr, "occurrenceDateTime"));
  if (out.occurrence.empty())
    if (const Value* p = fhir::json::object_member(sr, "occurrencePeriod"))
      out.occurrence = std::string(fhir::json::string_member(*p, "start"));
  for (const Value& n : fhir::json::each(sr, "note")) {
    const auto text = fhir::json::string_member(n, "text");
    if (text.empty()) continue;
    if (!out.note.empty()) out.note += "\n\n";
    out.note += text;
  }
  for (auto step : {read_patient, read_requester, read_reasons})
    if (auto ok = step(sr, r, out); !ok) return ok.error();
  if (auto ok = read_supporting_info(sr, r, others, out); !ok) return ok.error();
  return out;
}

}  // namespace gateway::core
