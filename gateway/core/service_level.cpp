#include "gateway/core/service_level.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/code_systems.hpp"
#include "gateway/core/fhir_time.hpp"
#include "gateway/core/json_write.hpp"
#include "gateway/core/request_priority.hpp"
#include "gateway/core/search_index.hpp"
#include "gateway/core/store_outbox.hpp"

#include <algorithm>

namespace gateway::core {
namespace {

bool is_input(const rapidjson::Value& input, std::string_view kind) {
  if (const auto* type = fhir::json::object_member(input, "type"))
    for (const auto& c : fhir::json::each(*type, "coding"))
      if (fhir::json::string_member(c, "system") == systems::triage_suggestion &&
          fhir::json::string_member(c, "code") == kind)
        return true;
  return false;
}

std::string service_request_id(const rapidjson::Value& task) {
  for (const auto& ref : fhir::json::each(task, "basedOn")) {
    const std::string_view r = fhir::json::string_member(ref, "reference");
    if (r.starts_with("ServiceRequest/")) return std::string(r.substr(15));
  }
  return {};
}

std::string overdue_event(const overdue_notice_input& in, const std::string& sr_id, const std::string& task_id) {
  rapidjson::Document e(rapidjson::kObjectType);
  auto& a = e.GetAllocator();
  json::add_string(e, "specversion", "1.0", a);
  json::add_string(e, "id", in.event_id, a);
  json::add_string(e, "source", in.event_source, a);
  json::add_string(e, "type", "referral.overdue", a);
  json::add_string(e, "subject", "ServiceRequest/" + sr_id, a);
  json::add_string(e, "time", format_instant(in.now), a);
  json::add_string(e, "datacontenttype", "application/json", a);
  rapidjson::Value data(rapidjson::kObjectType);
  json::add_string(data, "task", "Task/" + task_id, a);
  json::add_string(data, "priority", fhir::json::string_member(*in.task, "priority"), a);
  json::add_string(data, "taskStatus", fhir::json::string_member(*in.task, "status"), a);
  data.AddMember("notice", in.notice, a);
  data.AddMember("periodMinutes", static_cast<std::int64_t>(in.period.count() / 60000), a);
  e.AddMember("data", data, a);
  return json::serialise(e);
}

}  // namespace

std::optional<instant> waiting_since(const rapidjson::Value& task) {
  std::optional<instant> start = parse_fhir_date_time(fhir::json::string_member(task, "authoredOn"));
  for (const auto& input : fhir::json::each(task, "input")) {
    if (!is_input(input, "escalated")) continue;
    const auto at = parse_fhir_date_time(fhir::json::string_member(input, "valueDateTime"));
    if (at && (!start || *at > *start)) start = at;
  }
  return start;
}

std::optional<std::int64_t> overdue_notice_due(const rapidjson::Value& task, std::chrono::system_clock::time_point now,
                                               std::chrono::milliseconds period) {
  if (period <= std::chrono::milliseconds::zero()) return std::nullopt;
  const auto priority = parse_request_priority(fhir::json::string_member(task, "priority"));
  if (!priority || *priority < request_priority::urgent) return std::nullopt;
  const std::string_view status = fhir::json::string_member(task, "status");
  if (std::find(std::begin(waiting_task_statuses), std::end(waiting_task_statuses), status) ==
      std::end(waiting_task_statuses))
    return std::nullopt;
  const std::optional<instant> start = waiting_since(task);
  if (!start) return std::nullopt;
  std::int64_t raised = 0;
  for (const auto& input : fhir::json::each(task, "input"))
    if (is_input(input, "overdue-notice")) ++raised;
  const auto next = std::chrono::system_clock::time_point(*start) + period * (raised + 1);
  if (now < next) return std::nullopt;
  return raised + 1;
}

unit_of_work plan_overdue_notice(const overdue_notice_input& in) {
  const std::string task_id(fhir::json::string_member(*in.task, "id"));
  const std::string sr_id = service_request_id(*in.task);
  rapidjson::Document task;
  auto& a = task.GetAllocator();
  task.CopyFrom(*in.task, a);
  task.RemoveMember("meta");
  task.RemoveMember("id");
  if (!task.HasMember("input")) task.AddMember("input", rapidjson::Value(rapidjson::kArrayType), a);
  rapidjson::Value notice(rapidjson::kObjectType);
  notice.AddMember("type", json::codeable_concept(systems::triage_suggestion, "overdue-notice", "Overdue notice", a),
                   a);
  json::add_string(notice, "valueDateTime", format_instant(in.now), a);
  task["input"].PushBack(notice, a);

  unit_of_work work;
  resource_write w;
  w.kind = write_kind::update;
  w.type = "Task";
  w.id = task_id;
  w.expected_version = in.task_version;
  w.owner_org = in.task_owner;
  w.json = json::serialise(task);
  w.index = search_index_entries(task, w.owner_org);
  work.writes.push_back(std::move(w));
  work.outbox.push_back({in.event_id, events_channel, platform_events_destination, sr_id,
                         "application/cloudevents+json", overdue_event(in, sr_id, task_id)});
  return work;
}

}  // namespace gateway::core
