#include "gateway/core/referral_update_plan.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/fhir_time.hpp"
#include "gateway/core/json_write.hpp"
#include "gateway/core/referral_create_plan.hpp"
#include "gateway/core/search_index.hpp"
#include "gateway/core/store_outbox.hpp"
#include "gateway/core/task_state_machine.hpp"

namespace gateway::core {
namespace {

bool is_final_request_status(std::string_view status) {
  return status == "revoked" || status == "completed" || status == "entered-in-error";
}

result<void> check_update(const referral_update_input& in) {
  if (const auto* id = fhir::json::member(*in.incoming, "id"); id && fhir::json::as_string(id) != in.id) {
    return make_error(error_kind::invalid, "ServiceRequest.id", "does not match the id in the URL");
  }
  const referral& now = *in.normalised;
  const referral& before = *in.stored_normalised;
  if (is_final_request_status(before.status)) {
    return make_error(error_kind::unprocessable, "ServiceRequest.status",
                      "the referral is " + before.status + " and can no longer change");
  }
  if (now.referrer_identifier != before.referrer_identifier) {
    return make_error(error_kind::unprocessable, "ServiceRequest.identifier",
                      "the referral identifier may not change (it is how the referrer names this referral)");
  }
  if (now.nhs_number != before.nhs_number) {
    return make_error(error_kind::unprocessable, "ServiceRequest.subject",
                      "the patient of a referral may not change; send a new referral instead");
  }
  if (now.requester_ods != in.stored->owner_org) {
    return make_error(error_kind::unprocessable, "ServiceRequest.requester",
                      "the requester organisation of a referral may not change");
  }
  return {};
}

resource_write update_of(std::string type, std::string id, std::int64_t version, std::string owner,
                         const rapidjson::Value& resource) {
  resource_write w;
  w.kind = write_kind::update;
  w.type = std::move(type);
  w.id = std::move(id);
  w.expected_version = version;
  w.owner_org = std::move(owner);
  w.json = json::serialise(resource);
  w.index = search_index_entries(resource, w.owner_org);
  return w;
}

}  // namespace

std::optional<rapidjson::Document> task_after_revocation(const rapidjson::Value& task, std::string_view now) {
  const auto current = parse_task_status(fhir::json::string_member(task, "status"));
  if (!current) return std::nullopt;
  const auto next = task_status_after_revocation(*current);
  if (!next) return std::nullopt;
  rapidjson::Document doc;
  auto& a = doc.GetAllocator();
  doc.CopyFrom(task, a);
  doc.RemoveMember("meta");
  doc.RemoveMember("status");
  json::add_string(doc, "status", to_string(*next), a);
  doc.RemoveMember("statusReason");
  rapidjson::Value reason(rapidjson::kObjectType);
  json::add_string(reason, "text", "The referrer revoked the referral", a);
  doc.AddMember("statusReason", reason, a);
  doc.RemoveMember("lastModified");
  json::add_string(doc, "lastModified", now, a);
  return doc;
}

result<referral_update_plan> plan_referral_update(const referral_update_input& in) {
  if (auto ok = check_update(in); !ok) return ok.error();
  referral_update_plan plan;
  const referral& r = *in.normalised;
  const bool revoked = r.status == "revoked";
  plan.event = revoked ? referral_event_type::cancelled : referral_event_type::updated;

  const rapidjson::Document sr = stored_service_request(*in.incoming, in.patient_id);
  plan.service_request_write = plan.work.writes.size();
  plan.work.writes.push_back(update_of("ServiceRequest", in.id, in.stored->version, in.stored->owner_org, sr));

  std::string task_reference;
  if (in.task) {
    task_reference = "Task/" + std::string(fhir::json::string_member(*in.task->json, "id"));
    if (revoked) {
      if (auto cancelled = task_after_revocation(*in.task->json, format_instant(in.now))) {
        cancelled->RemoveMember("id");
        plan.task_write = plan.work.writes.size();
        plan.work.writes.push_back(update_of("Task", std::string(fhir::json::string_member(*in.task->json, "id")),
                                             in.task->version, in.task->owner_org, *cancelled));
      }
    }
  }

  triage_event_header header;
  header.id = in.event_id;
  header.source = in.event_source;
  header.type = plan.event;
  header.service_request_id = in.id;
  header.task_reference = task_reference;
  header.time = in.now;
  header.correlation_id = in.audit.correlation_id;
  plan.work.outbox.push_back({in.event_id, events_channel, platform_events_destination, in.id,
                              "application/cloudevents+json", build_triage_event(header, r, in.triage)});

  audit_input audit = in.audit;
  audit.id = in.audit_id;
  audit.recorded = in.now;
  audit.action = audit_action::update;
  audit.interaction = "update";
  audit.entity_type = "ServiceRequest";
  audit.entity_id = in.id;
  plan.work.audits.push_back(build_audit_record(audit));
  return plan;
}

}  // namespace gateway::core
