#include "gateway/core/platform_update_plan.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/fhir_time.hpp"
#include "gateway/core/json_write.hpp"
#include "gateway/core/outcome_link.hpp"
#include "gateway/core/outcome_summary.hpp"
#include "gateway/core/search_index.hpp"

namespace gateway::core {
namespace {

std::string without_meta(const rapidjson::Value& resource) {
  rapidjson::Document doc;
  doc.CopyFrom(resource, doc.GetAllocator());
  doc.RemoveMember("meta");
  return json::serialise(doc);
}

audit_record audit_of(audit_input audit, const std::string& id, std::chrono::system_clock::time_point now,
                      audit_action action, std::string_view type, std::string_view entity_id) {
  audit.id = id;
  audit.recorded = now;
  audit.action = action;
  audit.interaction = action == audit_action::create ? "create" : "update";
  audit.entity_type = std::string(type);
  audit.entity_id = std::string(entity_id);
  return build_audit_record(audit);
}

}  // namespace

feedback_message_input message_input(const feedback_settings& s, feedback_event event,
                                     std::chrono::system_clock::time_point now) {
  feedback_message_input m;
  m.message_id = s.message_id;
  m.event = event;
  m.timestamp = format_instant(now);
  m.source_endpoint = s.source_endpoint;
  m.base_url = s.base_url;
  m.destination = s.destination;
  m.summary_codes = s.summary_codes;
  return m;
}

rapidjson::Document as_committed(const rapidjson::Value& resource, std::string_view id, std::int64_t version) {
  rapidjson::Document doc;
  auto& a = doc.GetAllocator();
  doc.CopyFrom(resource, a);
  doc.RemoveMember("id");
  doc.RemoveMember("meta");
  rapidjson::Value meta(rapidjson::kObjectType);
  json::add_string(meta, "versionId", std::to_string(version), a);
  // resourceType, id and meta first, as readers expect.
  rapidjson::Document ordered(rapidjson::kObjectType);
  auto& oa = ordered.GetAllocator();
  json::add_string(ordered, "resourceType", fhir::json::string_member(doc, "resourceType"), oa);
  json::add_string(ordered, "id", id, oa);
  ordered.AddMember("meta", rapidjson::Value(meta, oa), oa);
  for (auto m = doc.MemberBegin(); m != doc.MemberEnd(); ++m) {
    if (fhir::json::as_string(&m->name) == "resourceType") continue;
    ordered.AddMember(rapidjson::Value(m->name, oa), rapidjson::Value(m->value, oa), oa);
  }
  return ordered;
}

platform_plan_outcome plan_task_update(const task_update_input& in) {
  platform_write_plan plan;
  const rapidjson::Value& task = in.change->task;
  plan.event = in.change->status_changed && in.change->to == task_status::completed ? feedback_event::outcome_report
                                                                                    : feedback_event::status_update;

  const rapidjson::Document shown = as_committed(task, in.stored->id, in.stored->version + 1);
  feedback_message_input m = message_input(in.feedback, plan.event, in.now);
  m.task = &shown;
  m.service_request = in.service_request;
  m.patient = in.patient;
  outcome_summary summary;
  if (plan.event == feedback_event::outcome_report) {
    m.outcomes = in.referral_observations;
    summary = summarise_outcomes(scores_from_observations(in.referral_observations));
    m.summary = &summary;
    if (const auto* subject = fhir::json::object_member(*in.service_request, "subject")) {
      m.patient_reference = std::string(fhir::json::string_member(*subject, "reference"));
    }
  }
  auto item = make_feedback_item(m);
  if (!item) return platform_plan_outcome(boost::system::in_place_error, std::move(item.error()));

  resource_write w;
  w.kind = write_kind::update;
  w.type = "Task";
  w.id = in.stored->id;
  w.expected_version = in.stored->version;
  w.owner_org = in.stored->owner_org;
  w.json = without_meta(task);
  w.index = search_index_entries(task, w.owner_org);
  plan.resource_write = plan.work.writes.size();
  plan.work.writes.push_back(std::move(w));
  plan.work.outbox.push_back(std::move(*item));
  plan.work.audits.push_back(audit_of(in.audit, in.audit_id, in.now, audit_action::update, "Task", in.stored->id));
  return plan;
}

platform_plan_outcome plan_outcome_post(const outcome_post_input& in) {
  platform_write_plan plan;
  plan.event = feedback_event::outcome_report;
  const std::string type(fhir::json::string_member(*in.resource, "resourceType"));
  const rapidjson::Document shown = as_committed(*in.resource, in.id, 1);

  std::vector<const rapidjson::Value*> observations = in.referral_observations;
  if (type == "Observation") observations.push_back(&shown);
  const outcome_summary summary = summarise_outcomes(scores_from_observations(observations));

  feedback_message_input m = message_input(in.feedback, plan.event, in.now);
  m.task = in.task;
  m.service_request = in.service_request;
  m.patient = in.patient;
  m.outcomes = {&shown};
  m.summary = &summary;
  if (const auto* subject = fhir::json::object_member(*in.service_request, "subject")) {
    m.patient_reference = std::string(fhir::json::string_member(*subject, "reference"));
  }
  auto item = make_feedback_item(m);
  if (!item) return platform_plan_outcome(boost::system::in_place_error, std::move(item.error()));

  resource_write w;
  w.kind = write_kind::create;
  w.type = type;
  w.id = in.id;
  w.owner_org = in.owner_org;
  w.json = without_meta(shown);
  w.index = search_index_entries(shown, w.owner_org);
  w.index.push_back({std::string(written_by_param), std::string(written_by_platform)});
  plan.resource_write = plan.work.writes.size();
  plan.work.writes.push_back(std::move(w));
  plan.work.outbox.push_back(std::move(*item));
  plan.work.audits.push_back(audit_of(in.audit, in.audit_id, in.now, audit_action::create, type, in.id));
  return plan;
}

}  // namespace gateway::core
