#include "gateway/core/triage_escalation.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/code_systems.hpp"
#include "gateway/core/feedback_message.hpp"
#include "gateway/core/fhir_time.hpp"
#include "gateway/core/search_index.hpp"
#include "gateway/core/store_outbox.hpp"
#include "gateway/core/task_builder.hpp"
#include "gateway/core/triage_event.hpp"

#include <algorithm>

namespace gateway::core {
namespace {

bool contains(const std::vector<std::string>& list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

std::string_view input_kind(const rapidjson::Value& input) {
  if (const auto* type = fhir::json::object_member(input, "type"))
    for (const auto& c : fhir::json::each(*type, "coding"))
      if (fhir::json::string_member(c, "system") == systems::triage_suggestion)
        return fhir::json::string_member(c, "code");
  return {};
}

// What rose: the flags and rules `now` adds to `before`, and whether the priority went up.
struct rise {
  bool priority = false;
  std::vector<std::string> flags;
  std::vector<std::string> rules;
  bool any() const { return priority || !flags.empty(); }
};

rise rise_of(const triage_result& before, const triage_result& now) {
  rise r;
  r.priority = now.priority > before.priority;
  for (const auto& f : now.flags)
    if (!contains(before.flags, f)) r.flags.push_back(f);
  for (const auto& m : now.matched_rules)
    if (!contains(before.matched_rules, m)) r.rules.push_back(m);
  return r;
}

std::string escalation_note(const rise& r, const triage_result& merged, std::string_view when) {
  std::string note = "Escalated by first-line triage on a later change (" + std::string(when) + "):";
  if (r.priority) note += " priority raised to " + std::string(to_string(merged.priority)) + ";";
  if (!r.flags.empty()) {
    note += " new flags:";
    for (std::size_t i = 0; i < r.flags.size(); ++i) note += (i ? ", " : " ") + r.flags[i];
    note += ";";
  }
  note += " a clinician must review this referral.";
  return note;
}

rapidjson::Document escalated_task(const rapidjson::Value& task, const rise& r, const triage_result& merged,
                                   std::string_view when, const std::string& note_text) {
  rapidjson::Document doc;
  auto& a = doc.GetAllocator();
  doc.CopyFrom(task, a);
  doc.RemoveMember("meta");
  doc.RemoveMember("id");
  doc.RemoveMember("priority");
  json::add_string(doc, "priority", to_string(merged.priority), a);
  if (!doc.HasMember("input")) doc.AddMember("input", rapidjson::Value(rapidjson::kArrayType), a);
  auto& inputs = doc["input"];
  for (const auto& f : r.flags) inputs.PushBack(triage_input("flag", "Flag", f, a), a);
  for (const auto& m : r.rules) inputs.PushBack(triage_input("matched-rule", "Matched rule", m, a), a);
  // When it rose: the service level for an urgent referral counts from here (service_level.hpp).
  rapidjson::Value escalated(rapidjson::kObjectType);
  escalated.AddMember("type", json::codeable_concept(systems::triage_suggestion, "escalated", "Escalated", a), a);
  json::add_string(escalated, "valueDateTime", when, a);
  inputs.PushBack(escalated, a);
  if (!doc.HasMember("note")) doc.AddMember("note", rapidjson::Value(rapidjson::kArrayType), a);
  rapidjson::Value note(rapidjson::kObjectType);
  json::add_string(note, "time", when, a);
  json::add_string(note, "text", note_text, a);
  doc["note"].PushBack(note, a);
  doc.RemoveMember("lastModified");
  json::add_string(doc, "lastModified", when, a);
  return doc;
}

}  // namespace

triage_result triage_on_task(const rapidjson::Value& task) {
  triage_result out;
  if (auto p = parse_request_priority(fhir::json::string_member(task, "priority"))) out.priority = *p;
  for (const auto& input : fhir::json::each(task, "input")) {
    const std::string_view kind = input_kind(input);
    const std::string value(fhir::json::string_member(input, "valueCode"));
    if (kind == "flag" && !contains(out.flags, value)) out.flags.push_back(value);
    if (kind == "matched-rule" && !contains(out.matched_rules, value)) out.matched_rules.push_back(value);
    if (kind == "suggested-step" && !out.suggested_step) out.suggested_step = value;
  }
  return out;
}

escalation_outcome plan_escalation(const escalation_input& in) {
  const triage_result before = triage_on_task(*in.task);
  const rise r = rise_of(before, in.triage);
  if (!r.any()) return std::optional<escalation>();

  escalation e;
  e.merged = before;
  e.merged.priority = std::max(before.priority, in.triage.priority);
  e.merged.flags.insert(e.merged.flags.end(), r.flags.begin(), r.flags.end());
  e.merged.matched_rules.insert(e.merged.matched_rules.end(), r.rules.begin(), r.rules.end());
  if (!e.merged.suggested_step) e.merged.suggested_step = in.triage.suggested_step;

  const std::string when = format_instant(in.now);
  const std::string task_id(fhir::json::string_member(*in.task, "id"));
  const std::string note = escalation_note(r, e.merged, when);
  const rapidjson::Document task = escalated_task(*in.task, r, e.merged, when, note);
  e.task_write.kind = write_kind::update;
  e.task_write.type = "Task";
  e.task_write.id = task_id;
  e.task_write.expected_version = in.task_version;
  e.task_write.owner_org = in.task_owner;
  e.task_write.json = json::serialise(task);
  e.task_write.index = search_index_entries(task, e.task_write.owner_org);

  const std::string sr_id(fhir::json::string_member(*in.service_request, "id"));
  triage_event_header header;
  header.id = in.event_id;
  header.source = in.event_source;
  header.type = referral_event_type::escalated;
  header.service_request_id = sr_id;
  header.task_reference = "Task/" + task_id;
  header.time = in.now;
  e.event = {in.event_id,
             events_channel,
             platform_events_destination,
             sr_id,
             "application/cloudevents+json",
             build_triage_event(header, *in.normalised, e.merged)};

  const rapidjson::Document shown = as_committed(task, task_id, in.task_version + 1);
  feedback_message_input m = message_input(in.feedback, feedback_event::status_update, in.now);
  m.task = &shown;
  m.service_request = in.service_request;
  m.reason = note;  // the referrer is told what rose, in the message itself (v2: NTE-3)
  // An HL7 v2 referrer's RRI^I12 needs the Patient for PID-3 (without it the status-update
  // saying the risk was seen would be dead-lettered, and hold back every later message).
  if (in.feedback.destination.include_patient) m.patient = in.patient;
  auto item = make_feedback_item(m);
  if (!item) return escalation_outcome(boost::system::in_place_error, std::move(item.error()));
  e.feedback = std::move(*item);
  return std::optional<escalation>(std::move(e));
}

std::size_t add_escalation(unit_of_work& work, escalation e) {
  const std::size_t index = work.writes.size();
  work.writes.push_back(std::move(e.task_write));
  work.outbox.push_back(std::move(e.event));
  work.outbox.push_back(std::move(e.feedback));
  return index;
}

}  // namespace gateway::core
