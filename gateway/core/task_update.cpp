#include "gateway/core/task_update.hpp"

#include "fhir/json_view.hpp"
#include "gateway/core/json_write.hpp"
#include "gateway/core/task_state_machine.hpp"

#include <array>
#include <set>
#include <string>

namespace gateway::core {
namespace {

using rapidjson::Value;

constexpr std::array<std::string_view, 6> mutable_elements{"status", "businessStatus", "statusReason",
                                                           "output", "note",           "owner"};
constexpr std::array<std::string_view, 3> ignored_elements{"meta", "text", "lastModified"};

template <std::size_t N>
bool in(const std::array<std::string_view, N>& set, std::string_view name) {
  for (auto s : set)
    if (s == name) return true;
  return false;
}

error immutable(std::string_view name, std::string_view how) {
  return make_error(
      error_kind::unprocessable, "Task." + std::string(name),
      std::string(how) + " (only status, businessStatus, statusReason, output, note and owner may change)");
}

// Every element outside the mutable and ignored sets must be present in both or neither, and equal.
result<void> check_unchanged(const Value& stored, const Value& incoming) {
  std::set<std::string, std::less<>> names;
  for (auto it = stored.MemberBegin(); it != stored.MemberEnd(); ++it)
    names.emplace(it->name.GetString(), it->name.GetStringLength());
  for (auto it = incoming.MemberBegin(); it != incoming.MemberEnd(); ++it)
    names.emplace(it->name.GetString(), it->name.GetStringLength());
  for (const auto& name : names) {
    if (in(mutable_elements, name) || in(ignored_elements, name) || name == "id") continue;
    const Value* before = fhir::json::member(stored, name);
    const Value* after = fhir::json::member(incoming, name);
    if (!before) return immutable(name, "may not be added");
    if (!after) return immutable(name, "may not be removed");
    if (*before != *after) return immutable(name, "may not be changed");
  }
  return {};
}

}  // namespace

result<task_change> merge_task_update(const Value& stored, const Value& incoming, const code_system& business_status,
                                      std::string_view now) {
  if (!incoming.IsObject() || fhir::json::string_member(incoming, "resourceType") != "Task")
    return make_error(error_kind::invalid, "resourceType", "expected a Task");
  if (const Value* id = fhir::json::member(incoming, "id");
      id && fhir::json::as_string(id) != fhir::json::string_member(stored, "id"))
    return make_error(error_kind::invalid, "Task.id", "does not match the Task being updated");

  const auto from = parse_task_status(fhir::json::string_member(stored, "status"));
  if (!from) return make_error(error_kind::invalid, "Task.status", "the stored Task has no valid status");
  const Value* status = fhir::json::member(incoming, "status");
  if (!status) return make_error(error_kind::invalid, "Task.status", "missing");
  const auto to = parse_task_status(fhir::json::as_string(status));
  if (!to)
    return make_error(error_kind::invalid, "Task.status",
                      "'" + std::string(fhir::json::as_string(status)) + "' is not a Task status");
  if (auto ok = check_transition(*from, *to); !ok) return ok.error();

  const Value* business = fhir::json::member(incoming, "businessStatus");
  if (business)
    if (auto ok = business_status.check_codeable_concept(*business, "Task.businessStatus"); !ok) return ok.error();
  if (auto ok = check_unchanged(stored, incoming); !ok) return ok.error();

  task_change change;
  change.from = *from;
  change.to = *to;
  change.status_changed = *from != *to;
  const Value* old_business = fhir::json::member(stored, "businessStatus");
  change.business_status_changed =
      (business == nullptr) != (old_business == nullptr) || (business && *business != *old_business);

  auto& doc = change.task;
  auto& a = doc.GetAllocator();
  doc.CopyFrom(stored, a);
  for (auto name : mutable_elements) {
    const std::string key(name);
    doc.RemoveMember(key.c_str());
    if (const Value* v = fhir::json::member(incoming, name)) {
      Value copy(*v, a);
      json::add(doc, name, std::move(copy), a);
    }
  }
  doc.RemoveMember("lastModified");
  json::add_string(doc, "lastModified", now, a);
  return change;
}

}  // namespace gateway::core
