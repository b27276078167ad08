#include "gateway/core/task_builder.hpp"

#include "gateway/core/code_systems.hpp"
#include "gateway/core/json_write.hpp"

namespace gateway::core {

rapidjson::Value triage_input(std::string_view kind, std::string_view display, std::string_view value,
                              json::allocator& a) {
  rapidjson::Value input(rapidjson::kObjectType);
  input.AddMember("type", json::codeable_concept(systems::triage_suggestion, kind, display, a), a);
  json::add_string(input, "valueCode", value, a);
  return input;
}

std::string triage_note(const triage_result& t) {
  std::string note = "First-line triage rules";
  if (t.suggested_step)
    note += " suggest " + *t.suggested_step;
  else
    note += " suggest no step";
  note += ", priority " + std::string(to_string(t.priority));
  if (!t.flags.empty()) {
    note += "; flags:";
    for (std::size_t i = 0; i < t.flags.size(); ++i) note += (i ? ", " : " ") + t.flags[i];
  }
  if (!t.matched_rules.empty()) {
    note += " (rules:";
    for (std::size_t i = 0; i < t.matched_rules.size(); ++i) note += (i ? ", " : " ") + t.matched_rules[i];
    note += ")";
  }
  // Said explicitly because the Task is what a clinician reads: the gateway does not triage.
  note += ". This is a suggestion; a clinician makes the triage decision.";
  return note;
}

rapidjson::Document build_initial_task(const initial_task_input& in) {
  rapidjson::Document task(rapidjson::kObjectType);
  auto& a = task.GetAllocator();
  json::add_string(task, "resourceType", "Task", a);

  rapidjson::Value based_on(rapidjson::kArrayType);
  based_on.PushBack(json::reference(in.service_request_reference, a), a);
  task.AddMember("basedOn", based_on, a);
  json::add_string(task, "status", "requested", a);
  task.AddMember("businessStatus",
                 json::codeable_concept(systems::business_status, "awaiting-triage", "Awaiting triage", a), a);
  json::add_string(task, "intent", "order", a);
  json::add_string(task, "priority", to_string(in.triage.priority), a);
  task.AddMember(
      "code",
      json::codeable_concept("http://hl7.org/fhir/CodeSystem/task-code", "fulfill", "Fulfill the focal request", a), a);
  task.AddMember("focus", json::reference(in.service_request_reference, a), a);
  task.AddMember("for", json::reference(in.patient_reference, a), a);
  json::add_string(task, "authoredOn", in.authored_on, a);
  json::add_string(task, "lastModified", in.authored_on, a);
  task.AddMember("requester", json::logical_reference(systems::ods_organisation, in.requester_ods, a), a);
  task.AddMember("owner", json::logical_reference(systems::ods_organisation, in.platform_ods, a), a);

  rapidjson::Value note(rapidjson::kObjectType);
  json::add_string(note, "text", triage_note(in.triage), a);
  rapidjson::Value notes(rapidjson::kArrayType);
  notes.PushBack(note, a);
  task.AddMember("note", notes, a);

  rapidjson::Value inputs(rapidjson::kArrayType);
  if (in.triage.suggested_step)
    inputs.PushBack(triage_input("suggested-step", "Suggested step", *in.triage.suggested_step, a), a);
  for (const auto& f : in.triage.flags) inputs.PushBack(triage_input("flag", "Flag", f, a), a);
  for (const auto& r : in.triage.matched_rules) inputs.PushBack(triage_input("matched-rule", "Matched rule", r, a), a);
  if (!inputs.Empty()) task.AddMember("input", inputs, a);
  return task;
}

}  // namespace gateway::core
