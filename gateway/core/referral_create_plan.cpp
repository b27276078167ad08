#include "gateway/core/referral_create_plan.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/bundle_references.hpp"
#include "gateway/core/json_write.hpp"
#include "gateway/core/search_index.hpp"
#include "gateway/core/store_outbox.hpp"
#include "gateway/core/task_builder.hpp"
#include "gateway/core/triage_event.hpp"

namespace gateway::core {
namespace {

// The Patient to store for a new NHS number: the one sent (without its local id and meta), or a
// minimal one that carries only the NHS number.
rapidjson::Document new_patient(const rapidjson::Value* sent, const std::string& nhs_number) {
  rapidjson::Document doc(rapidjson::kObjectType);
  auto& a = doc.GetAllocator();
  if (sent != nullptr && sent->IsObject()) {
    doc.CopyFrom(*sent, a);
    doc.RemoveMember("id");
    doc.RemoveMember("meta");
    return doc;
  }
  json::add_string(doc, "resourceType", "Patient", a);
  rapidjson::Value id(rapidjson::kObjectType);
  json::add_string(id, "system", nhs_number_system, a);
  json::add_string(id, "value", nhs_number, a);
  rapidjson::Value ids(rapidjson::kArrayType);
  ids.PushBack(id, a);
  json::add(doc, "identifier", std::move(ids), a);
  return doc;
}

resource_write write_of(write_kind kind, std::string type, std::string id, std::string owner,
                        const rapidjson::Value& resource) {
  resource_write w;
  w.kind = kind;
  w.type = std::move(type);
  w.id = std::move(id);
  w.owner_org = std::move(owner);
  w.json = json::serialise(resource);
  w.index = search_index_entries(resource, w.owner_org);
  return w;
}

// Where each Bundle fullUrl is stored; empty for a plain create (nothing to rewrite).
reference_map stored_references(const referral_create_input& in, const std::string& patient_id) {
  reference_map map;
  if (!in.service_request_full_url.empty())
    map[in.service_request_full_url] = "ServiceRequest/" + in.ids.service_request;
  if (!in.patient_full_url.empty()) map[in.patient_full_url] = "Patient/" + patient_id;
  for (const auto& extra : in.accompanying) {
    if (!extra.full_url.empty()) {
      map[extra.full_url] = std::string(fhir::json::string_member(*extra.resource, "resourceType")) + "/" + extra.id;
    }
  }
  return map;
}

rapidjson::Document stored_copy(const rapidjson::Value& resource, const reference_map& references) {
  rapidjson::Document doc;
  doc.CopyFrom(resource, doc.GetAllocator());
  doc.RemoveMember("id");
  doc.RemoveMember("meta");
  rewrite_references(doc, references, doc.GetAllocator());
  return doc;
}

audit_record create_audit(const referral_create_input& in, const std::string& id, const std::string& type,
                          const std::string& resource_id) {
  audit_input audit = in.audit;
  audit.id = id;
  audit.recorded = in.now;
  audit.action = audit_action::create;
  audit.interaction = "create";
  audit.entity_type = type;
  audit.entity_id = resource_id;
  return build_audit_record(audit);
}

}  // namespace

rapidjson::Document stored_service_request(const rapidjson::Value& service_request, const std::string& patient_id) {
  rapidjson::Document doc;
  auto& a = doc.GetAllocator();
  doc.CopyFrom(service_request, a);
  doc.RemoveMember("id");
  doc.RemoveMember("meta");
  std::string contained_ref;
  if (const auto* subject = fhir::json::object_member(doc, "subject")) {
    contained_ref = std::string(fhir::json::string_member(*subject, "reference"));
  }
  if (contained_ref.size() > 1 && contained_ref.front() == '#') {
    if (auto* contained = const_cast<rapidjson::Value*>(fhir::json::array_member(doc, "contained"))) {
      for (auto it = contained->Begin(); it != contained->End(); ++it) {
        if (fhir::json::string_member(*it, "id") == contained_ref.substr(1) &&
            fhir::json::string_member(*it, "resourceType") == "Patient") {
          contained->Erase(it);
          break;
        }
      }
      // The other contained resources (a Condition, an Observation) may name the Patient as
      // "#id" too: point them at the stored Patient, or the stored referral breaks ref-1.
      rewrite_references(*contained, reference_map{{contained_ref, "Patient/" + patient_id}}, a);
      if (contained->Empty()) doc.RemoveMember("contained");
    }
  }
  doc.RemoveMember("subject");
  json::add(doc, "subject", json::reference("Patient/" + patient_id, a), a);
  return doc;
}

referral_create_plan plan_referral_create(const referral_create_input& in) {
  referral_create_plan plan;
  const referral& r = *in.normalised;
  plan.patient_id = in.stored_patient_id.value_or(in.ids.new_patient);
  const std::string sr_ref = "ServiceRequest/" + in.ids.service_request;
  const std::string patient_ref = "Patient/" + plan.patient_id;

  const reference_map references = stored_references(in, plan.patient_id);

  rapidjson::Document sr = stored_service_request(*in.service_request, plan.patient_id);
  rewrite_references(sr, references, sr.GetAllocator());
  plan.service_request_write = plan.work.writes.size();
  plan.work.writes.push_back(
      write_of(write_kind::create, "ServiceRequest", in.ids.service_request, r.requester_ods, sr));
  plan.work.claims.push_back({r.requester_ods, r.referrer_identifier.system, r.referrer_identifier.value,
                              "ServiceRequest", in.ids.service_request});

  if (!in.stored_patient_id) {
    // One Patient per referring organisation (owned and claimed by it): a practice's demographics
    // are never replaced by, nor reveal, another practice's. The platform sees all of them.
    rapidjson::Document patient = new_patient(in.patient, r.nhs_number);
    rewrite_references(patient, references, patient.GetAllocator());
    plan.patient_write = plan.work.writes.size();
    plan.work.writes.push_back(write_of(write_kind::create, "Patient", plan.patient_id, r.requester_ods, patient));
    plan.work.claims.push_back({r.requester_ods, nhs_number_system, r.nhs_number, "Patient", plan.patient_id});
  }

  for (const auto& extra : in.accompanying) {
    const rapidjson::Document doc = stored_copy(*extra.resource, references);
    plan.accompanying_writes.push_back(plan.work.writes.size());
    plan.work.writes.push_back(write_of(write_kind::create, std::string(fhir::json::string_member(doc, "resourceType")),
                                        extra.id, r.requester_ods, doc));
  }

  initial_task_input task_in;
  task_in.service_request_reference = sr_ref;
  task_in.patient_reference = patient_ref;
  task_in.requester_ods = r.requester_ods;
  task_in.platform_ods = in.platform_org;
  task_in.authored_on = format_instant(in.now);
  task_in.triage = in.triage;
  const rapidjson::Document task = build_initial_task(task_in);
  plan.task_write = plan.work.writes.size();
  plan.work.writes.push_back(write_of(write_kind::create, "Task", in.ids.task, r.requester_ods, task));

  triage_event_header header;
  header.id = in.ids.event;
  header.source = in.event_source;
  header.type = referral_event_type::received;
  header.service_request_id = in.ids.service_request;
  header.task_reference = "Task/" + in.ids.task;
  header.time = in.now;
  header.correlation_id = in.audit.correlation_id;
  plan.work.outbox.push_back({in.ids.event, events_channel, platform_events_destination, in.ids.service_request,
                              "application/cloudevents+json", build_triage_event(header, r, in.triage)});

  plan.work.audits.push_back(create_audit(in, in.ids.audit, "ServiceRequest", in.ids.service_request));
  if (in.audit_each_entry) {
    if (plan.patient_write) {
      plan.work.audits.push_back(create_audit(in, in.ids.patient_audit, "Patient", plan.patient_id));
    }
    for (std::size_t i = 0; i < in.accompanying.size(); ++i) {
      const resource_write& w = plan.work.writes[plan.accompanying_writes[i]];
      plan.work.audits.push_back(create_audit(in, in.accompanying[i].audit_id, w.type, w.id));
    }
  }
  return plan;
}

}  // namespace gateway::core
