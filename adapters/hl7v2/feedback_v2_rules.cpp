// The FHIR -> v2 feedback tables (feedback_v2_rules.hpp).
#include "adapters/hl7v2/feedback_v2_rules.hpp"

#include "adapters/hl7v2/v2_datatypes.hpp"
#include "adapters/hl7v2/v2_referral_ids.hpp"
#include "fhir/json_view.hpp"
#include "gateway/core/code_systems.hpp"
#include "gateway/core/json_write.hpp"

namespace gateway::hl7v2::feedback {
namespace {

namespace json = fhir::json;
using rapidjson::Value;
using outcome = std::optional<std::string>;

std::string_view str(const Value* v, std::string_view member) {
  return v == nullptr ? std::string_view{} : json::string_member(*v, member);
}

// The ODS code of a logical reference {"identifier": {"system": ODS, "value": ...}}.
std::string_view ods_of(const Value* holder, std::string_view member) {
  const Value* ref = holder ? json::object_member(*holder, member) : nullptr;
  const Value* id = ref ? json::object_member(*ref, "identifier") : nullptr;
  return id && json::string_member(*id, "system") == core::systems::ods_organisation ? json::string_member(*id, "value")
                                                                                     : std::string_view{};
}

std::string dtm(std::string_view fhir) {
  return dtm_from_fhir(fhir).value_or(std::string());
}

const Value* first_coding(const Value* cc) {
  const Value* codings = cc ? json::array_member(*cc, "coding") : nullptr;
  return codings && !codings->Empty() ? &(*codings)[0] : nullptr;
}

// The NHS number: the Patient's, else the ServiceRequest's logical subject.
std::string_view nhs_number(const message_view& m) {
  if (m.patient) {
    for (const Value& id : json::each(*m.patient, "identifier")) {
      if (json::string_member(id, "system") == core::systems::nhs_number) return json::string_member(id, "value");
    }
  }
  const Value* subject = m.service_request ? json::object_member(*m.service_request, "subject") : nullptr;
  const Value* id = subject ? json::object_member(*subject, "identifier") : nullptr;
  if (id && json::string_member(*id, "system") == core::systems::nhs_number) return json::string_member(*id, "value");
  return {};
}

// --- MSH ------------------------------------------------------------------------------------------

outcome msh_sending_application(const message_view& m, const Value*, segment_builder& s) {
  s.set(3, m.settings->sending_application);
  return std::nullopt;
}
outcome msh_sending_facility(const message_view& m, const Value*, segment_builder& s) {
  s.set(4, ods_of(m.task, "owner"));
  return std::nullopt;
}
outcome msh_receiving_application(const message_view& m, const Value*, segment_builder& s) {
  s.set(5, m.settings->receiving_application);
  return std::nullopt;
}
outcome msh_receiving_facility(const message_view& m, const Value*, segment_builder& s) {
  const Value* destinations = json::array_member(*m.header, "destination");
  const Value* first = destinations && !destinations->Empty() ? &(*destinations)[0] : nullptr;
  std::string_view ods = ods_of(first, "receiver");
  if (ods.empty()) ods = ods_of(m.task, "requester");
  if (ods.empty()) return std::string("the message names no receiving organisation (ODS code) for MSH-6");
  s.set(6, ods);
  return std::nullopt;
}
outcome msh_time(const message_view& m, const Value*, segment_builder& s) {
  const std::string t = dtm(m.timestamp);
  if (t.empty()) return std::string("Bundle.timestamp is not a date/time for MSH-7");
  s.set(7, t);
  return std::nullopt;
}
outcome msh_type(const message_view& m, const Value*, segment_builder& s) {
  const bool rri = m.kind == "RRI^I12";
  s.set(9, 1, rri ? "RRI" : "ORU").set(9, 2, rri ? "I12" : "R01").set(9, 3, rri ? "RRI_I12" : "ORU_R01");
  return std::nullopt;
}
outcome msh_control_id(const message_view& m, const Value*, segment_builder& s) {
  s.set(10, m.control_id);
  return std::nullopt;
}
outcome msh_processing(const message_view&, const Value*, segment_builder& s) {
  s.set(11, "P").set(12, "2.5.1").set(15, "AL").set(16, "NE");
  return std::nullopt;
}
outcome msh_charset(const message_view&, const Value*, segment_builder& s) {
  s.set(18, "UNICODE UTF-8");
  return std::nullopt;
}

// --- RRI^I12 --------------------------------------------------------------------------------------

outcome rf1_status(const message_view& m, const Value*, segment_builder& s) {
  const std::string_view status = str(m.task, "status");
  // HL7 table 0283 has four values; NTE-3 carries the exact status.
  const std::string_view code =
      (status == "requested" || status == "received" || status == "draft")                                    ? "P"
      : (status == "rejected" || status == "cancelled" || status == "failed" || status == "entered-in-error") ? "R"
                                                                                                              : "A";
  const std::string_view text = code == "P" ? "Pending" : code == "R" ? "Rejected" : "Accepted";
  s.set(1, 1, code).set(1, 2, text).set(1, 3, "HL70283");
  return std::nullopt;
}

outcome rf1_priority(const message_view& m, const Value*, segment_builder& s) {
  const std::string_view p = str(m.task, "priority");
  if (p.empty()) return std::nullopt;
  const std::string_view code = p == "stat" ? "S" : (p == "asap" || p == "urgent") ? "A" : "R";
  s.set(2, 1, code).set(2, 3, "HL70280");
  return std::nullopt;
}

// EI of the referrer's own id into `field` (RF1-6, OBR-2).
outcome referrer_id(const message_view& m, segment_builder& s, std::size_t field, std::string_view where) {
  const Value* ids = m.service_request ? json::array_member(*m.service_request, "identifier") : nullptr;
  if (ids == nullptr || ids->Empty()) {
    return "the message carries no ServiceRequest.identifier (the referrer's own referral id) for " +
           std::string(where);
  }
  const entity_identifier ei =
      entity_identifier_for(json::string_member((*ids)[0], "system"), json::string_member((*ids)[0], "value"));
  s.set(field, 1, ei.id)
      .set(field, 2, ei.namespace_id)
      .set(field, 3, ei.universal_id)
      .set(field, 4, ei.universal_id_type);
  return std::nullopt;
}

outcome rf1_referral_id(const message_view& m, const Value*, segment_builder& s) {
  return referrer_id(m, s, 6, "RF1-6");
}

outcome rf1_effective(const message_view& m, const Value*, segment_builder& s) {
  std::string t = dtm(str(m.task, "lastModified"));
  if (t.empty()) t = dtm(m.timestamp);
  s.set(7, t).set(9, dtm(m.timestamp));
  return std::nullopt;
}

// The gateway's own id of the referral (EI: ServiceRequest id ^ the sending application).
outcome platform_referral_id(const message_view& m, segment_builder& s, std::size_t field) {
  std::string_view id = str(m.service_request, "id");
  if (id.empty()) {
    for (const Value& ref : json::each(*m.task, "basedOn")) {
      const std::string_view r = json::string_member(ref, "reference");
      if (r.starts_with("ServiceRequest/")) id = r.substr(15);
    }
  }
  if (!id.empty()) s.set(field, 1, id).set(field, 2, m.settings->sending_application);
  return std::nullopt;
}

outcome rf1_external_id(const message_view& m, const Value*, segment_builder& s) {
  return platform_referral_id(m, s, 11);
}

outcome prd_platform(const message_view& m, const Value*, segment_builder& s) {
  s.set(1, 1, "RT").set(1, 2, "Referred to Provider").set(1, 3, "HL70286");
  if (const auto ods = ods_of(m.task, "owner"); !ods.empty()) s.set(7, 1, ods).set(7, 2, "ODS");
  return std::nullopt;
}

outcome prd_referrer(const message_view& m, const Value*, segment_builder& s) {
  s.set(1, 1, "RP").set(1, 2, "Referring Provider").set(1, 3, "HL70286");
  if (const auto ods = ods_of(m.task, "requester"); !ods.empty()) s.set(7, 1, ods).set(7, 2, "ODS");
  return std::nullopt;
}

outcome pid_identifier(const message_view& m, const Value*, segment_builder& s) {
  const std::string_view nhs = nhs_number(m);
  if (nhs.empty()) return std::string("the message carries no NHS number (Patient.identifier) for PID-3");
  s.set(1, "1").set(3, 1, 1, 1, nhs).set(3, 1, 4, 1, "NHS").set(3, 1, 5, 1, "NH");
  return std::nullopt;
}

outcome pid_name(const message_view& m, const Value*, segment_builder& s) {
  const Value* names = m.patient ? json::array_member(*m.patient, "name") : nullptr;
  if (names == nullptr || names->Empty()) return std::nullopt;
  const Value& n = (*names)[0];
  s.set(5, 1, json::string_member(n, "family"));
  std::size_t component = 2;
  for (const Value& g : json::each(n, "given")) {
    if (component > 3) break;
    if (g.IsString()) s.set(5, component++, json::as_string(&g));
  }
  for (const Value& p : json::each(n, "prefix")) {
    if (p.IsString()) s.set(5, 5, json::as_string(&p));
    break;
  }
  return std::nullopt;
}

outcome pid_birth_date(const message_view& m, const Value*, segment_builder& s) {
  s.set(7, dtm(str(m.patient, "birthDate")));
  return std::nullopt;
}

outcome pid_sex(const message_view& m, const Value*, segment_builder& s) {
  const std::string_view g = str(m.patient, "gender");
  if (g.empty()) return std::nullopt;
  s.set(8, g == "male" ? "M" : g == "female" ? "F" : g == "other" ? "O" : "U");
  return std::nullopt;
}

outcome nte_status(const message_view& m, const Value*, segment_builder& s) {
  std::string line = "Status: ";
  line += str(m.task, "status");
  if (const Value* bs = json::object_member(*m.task, "businessStatus")) {
    std::string_view label = json::string_member(*bs, "text");
    if (label.empty()) label = str(first_coding(bs), "display");
    if (label.empty()) label = str(first_coding(bs), "code");
    if (!label.empty()) {
      line += " - ";
      line += label;
    }
  }
  s.set(1, "1").set(3, line);
  std::size_t repetition = 2;
  if (const Value* reason = json::object_member(*m.task, "statusReason")) {
    std::string_view text = json::string_member(*reason, "text");
    if (text.empty()) text = str(first_coding(reason), "display");
    if (!text.empty()) s.set(3, repetition++, 1, 1, "Reason: " + std::string(text));
  }
  // Why this message was sent beyond the status, e.g. an escalation: what risk rose and that a
  // clinician must review the referral.
  if (const Value* why = json::object_member(*m.header, "reason")) {
    if (const std::string_view text = json::string_member(*why, "text"); !text.empty()) {
      s.set(3, repetition, 1, 1, "Note: " + std::string(text));
    }
  }
  return std::nullopt;
}

// --- ORU^R01 --------------------------------------------------------------------------------------

outcome obr_ids(const message_view& m, const Value*, segment_builder& s) {
  s.set(1, "1");
  if (auto e = referrer_id(m, s, 2, "OBR-2")) return e;
  return platform_referral_id(m, s, 3);
}

outcome obr_service(const message_view&, const Value*, segment_builder& s) {
  s.set(4, 1, "outcome-report").set(4, 2, "Outcome report").set(4, 3, "L");
  return std::nullopt;
}

std::string_view effective_of(const Value& obs) {
  std::string_view t = json::string_member(obs, "effectiveDateTime");
  if (t.empty())
    if (const Value* p = json::object_member(obs, "effectivePeriod")) t = json::string_member(*p, "start");
  return t;
}

outcome obr_times(const message_view& m, const Value*, segment_builder& s) {
  std::string latest;
  for (const Value* obs : m.scores) {
    const std::string t = dtm(effective_of(*obs));
    // Same-zone DTMs compare as text; the gateway writes UTC, so this orders them.
    if (t > latest) latest = t;
  }
  s.set(7, latest.empty() ? dtm(m.timestamp) : latest).set(22, dtm(m.timestamp)).set(25, "F");
  return std::nullopt;
}

outcome nte_summary(const message_view& m, const Value*, segment_builder& s) {
  std::string text;
  if (m.narrative) {
    for (const Value& p : json::each(*m.narrative, "payload")) text += json::string_member(p, "contentString");
  }
  for (const Value* doc : m.documents) {
    std::string_view label = json::string_member(*doc, "description");
    if (const Value* type = json::object_member(*doc, "type"); label.empty() && type)
      label = json::string_member(*type, "text");
    if (!text.empty()) text += '\n';
    text += "Document added: ";
    text += label.empty() ? std::string_view("(no description)") : label;
  }
  if (text.empty()) text = "Outcome report.";
  s.set(1, "1").set(3, text);
  return std::nullopt;
}

outcome obx_value(const message_view&, const Value* obs, segment_builder& s) {
  const Value* code = first_coding(json::object_member(*obs, "code"));
  if (code == nullptr) return std::string("an outcome Observation has no code for OBX-3");
  std::string_view system = coding_system_for(json::string_member(*code, "system"));
  if (system.empty()) system = "L";
  s.set(2, "NM");
  s.set(3, 1, json::string_member(*code, "code")).set(3, 2, json::string_member(*code, "display")).set(3, 3, system);
  std::string value;
  if (const Value* q = json::object_member(*obs, "valueQuantity"); q && q->HasMember("value")) {
    value = core::json::serialise((*q)["value"]);
    const std::string_view unit_code = json::string_member(*q, "code");
    const std::string_view unit = json::string_member(*q, "unit");
    const bool ucum = json::string_member(*q, "system") == "http://unitsofmeasure.org";
    s.set(6, 1, unit_code.empty() ? unit : unit_code).set(6, 2, unit).set(6, 3, ucum ? "UCUM" : "");
  } else if (const Value* i = json::member(*obs, "valueInteger")) {
    value = core::json::serialise(*i);
  }
  s.set(5, value);
  return std::nullopt;
}

outcome obx_status(const message_view&, const Value* obs, segment_builder& s) {
  const std::string_view st = json::string_member(*obs, "status");
  s.set(11, st == "corrected" || st == "amended" ? "C" : st == "preliminary" ? "P" : st == "cancelled" ? "X" : "F");
  s.set(14, dtm(effective_of(*obs)));
  return std::nullopt;
}

constexpr row header_table[] = {
    {"MSH", 1, 3, "MSH-3 sending application", "REFERRAL-GATEWAY (configurable)", msh_sending_application},
    {"MSH", 1, 4, "MSH-4 sending facility", "Task.owner.identifier.value (the platform's ODS code)",
     msh_sending_facility},
    {"MSH", 1, 5, "MSH-5 receiving application", "the referrer's configured application name",
     msh_receiving_application},
    {"MSH", 1, 6, "MSH-6 receiving facility", "MessageHeader.destination[0].receiver (the referrer's ODS code)",
     msh_receiving_facility},
    {"MSH", 1, 7, "MSH-7 date/time of message", "Bundle.timestamp", msh_time},
    {"MSH", 1, 9, "MSH-9 message type",
     "MessageHeader.eventCoding: status-update -> RRI^I12^RRI_I12, outcome-report -> ORU^R01^ORU_R01", msh_type},
    {"MSH", 1, 10, "MSH-10 message control id (the ACK's MSA-2 must echo it)",
     "MessageHeader.id (the outbox item id), as 20 hex digits; stable across retries", msh_control_id},
    {"MSH", 1, 11, "MSH-11 P, MSH-12 2.5.1, MSH-15 AL, MSH-16 NE", "(fixed)", msh_processing},
    {"MSH", 1, 18, "MSH-18 character set", "UNICODE UTF-8 (fixed)", msh_charset},
};

constexpr row rri_table[] = {
    {"RF1", 1, 1, "RF1-1 referral status (table 0283: P, A, R)",
     "Task.status: requested/received -> P; rejected/cancelled/failed -> R; others -> A", rf1_status},
    {"RF1", 1, 2, "RF1-2 referral priority (S, A, R)", "Task.priority: stat -> S, asap/urgent -> A, routine -> R",
     rf1_priority},
    {"RF1", 1, 6, "RF1-6 originating referral identifier (EI)",
     "ServiceRequest.identifier[0]: the id the referrer sent, back in its own form", rf1_referral_id},
    {"RF1", 1, 7, "RF1-7 effective date, RF1-9 process date", "Task.lastModified, Bundle.timestamp", rf1_effective},
    {"RF1", 1, 11, "RF1-11 external referral identifier", "ServiceRequest.id ^ REFERRAL-GATEWAY (the gateway's id)",
     rf1_external_id},
    {"PRD", 1, 1, "PRD (1st) PRD-1 = RT, PRD-7 = ODS code ^ ODS", "Task.owner.identifier (the platform)", prd_platform},
    {"PRD", 2, 1, "PRD (2nd) PRD-1 = RP, PRD-7 = ODS code ^ ODS", "Task.requester.identifier (the referrer)",
     prd_referrer},
    {"PID", 1, 3, "PID-3 NHS number ^^^ NHS ^ NH",
     "Patient.identifier (nhs-number), else ServiceRequest.subject.identifier", pid_identifier},
    {"PID", 1, 5, "PID-5 patient name", "Patient.name[0] (family, given, prefix)", pid_name},
    {"PID", 1, 7, "PID-7 date of birth", "Patient.birthDate", pid_birth_date},
    {"PID", 1, 8, "PID-8 administrative sex", "Patient.gender: male M, female F, other O, unknown U", pid_sex},
    {"NTE", 1, 3, "NTE-3 comment",
     "\"Status: \" Task.status \" - \" Task.businessStatus (text or display); "
     "\"Reason: \" Task.statusReason; \"Note: \" MessageHeader.reason.text (why it was sent, e.g. an "
     "escalation)",
     nte_status},
};

constexpr row oru_table[] = {
    {"PID", 1, 3, "PID-3 NHS number ^^^ NHS ^ NH",
     "Patient.identifier (nhs-number), else ServiceRequest.subject.identifier", pid_identifier},
    {"PID", 1, 5, "PID-5 patient name", "Patient.name[0]", pid_name},
    {"PID", 1, 7, "PID-7 date of birth", "Patient.birthDate", pid_birth_date},
    {"PID", 1, 8, "PID-8 administrative sex", "Patient.gender", pid_sex},
    {"OBR", 1, 2, "OBR-2 placer order number, OBR-3 filler order number",
     "ServiceRequest.identifier[0] (the referrer's id), ServiceRequest.id ^ REFERRAL-GATEWAY", obr_ids},
    {"OBR", 1, 4, "OBR-4 universal service identifier", "outcome-report ^ Outcome report ^ L (fixed)", obr_service},
    {"OBR", 1, 7, "OBR-7 observation date/time, OBR-22 report time, OBR-25 F",
     "the latest score's effective time, Bundle.timestamp", obr_times},
    {"NTE", 1, 3, "NTE-3 comment (after OBR)",
     "the outcome summary: Communication.payload[].contentString; DocumentReference.description per document",
     nte_summary},
    {"OBX", 1, 3, "OBX-2 NM, OBX-3 code ^ display ^ LN, OBX-5 value, OBX-6 units (UCUM)",
     "each score Observation: code.coding[0] (LOINC 44261-6 PHQ-9, 70274-6 GAD-7, ...), valueQuantity / valueInteger",
     obx_value},
    {"OBX", 1, 11, "OBX-11 result status, OBX-14 date/time of the observation",
     "Observation.status: final F, corrected/amended C, preliminary P; Observation.effective[x]", obx_status},
};

}  // namespace

std::span<const row> header_rows() {
  return header_table;
}

std::span<const row> rri_rows() {
  return rri_table;
}

std::span<const row> oru_rows() {
  return oru_table;
}

}  // namespace gateway::hl7v2::feedback
