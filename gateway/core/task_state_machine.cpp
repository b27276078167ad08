#include "gateway/core/task_state_machine.hpp"

#include <array>
#include <initializer_list>
#include <string>
#include <utility>

namespace gateway::core {
namespace {

constexpr std::array<std::pair<task_status, std::string_view>, 12> names{{
    {task_status::draft, "draft"},
    {task_status::requested, "requested"},
    {task_status::received, "received"},
    {task_status::accepted, "accepted"},
    {task_status::rejected, "rejected"},
    {task_status::ready, "ready"},
    {task_status::cancelled, "cancelled"},
    {task_status::in_progress, "in-progress"},
    {task_status::on_hold, "on-hold"},
    {task_status::failed, "failed"},
    {task_status::completed, "completed"},
    {task_status::entered_in_error, "entered-in-error"},
}};

bool one_of(task_status s, std::initializer_list<task_status> set) {
  for (auto x : set)
    if (x == s) return true;
  return false;
}

}  // namespace

std::optional<task_status> parse_task_status(std::string_view code) {
  for (const auto& [status, name] : names)
    if (name == code) return status;
  return std::nullopt;
}

std::string_view to_string(task_status s) {
  for (const auto& [status, name] : names)
    if (status == s) return name;
  return "unknown";
}

bool is_terminal(task_status s) {
  using enum task_status;
  return one_of(s, {rejected, cancelled, failed, completed, entered_in_error});
}

bool is_transition_allowed(task_status from, task_status to) {
  using enum task_status;
  if (from == to || to == entered_in_error) return true;
  switch (from) {
    case draft:
      return one_of(to, {requested, ready, cancelled});
    case requested:
      return one_of(to, {received, accepted, rejected, ready, cancelled});
    case received:
      return one_of(to, {accepted, rejected, cancelled});
    case accepted:
      return one_of(to, {ready, in_progress, cancelled});
    case ready:
      return one_of(to, {in_progress, cancelled, failed});
    case in_progress:
      return one_of(to, {completed, failed, on_hold, cancelled});
    case on_hold:
      return one_of(to, {in_progress, failed, cancelled});
    case rejected:
    case cancelled:
    case failed:
    case completed:
    case entered_in_error:
      return false;
  }
  return false;
}

result<void> check_transition(task_status from, task_status to) {
  if (is_transition_allowed(from, to)) return {};
  return make_error(
      error_kind::unprocessable, "Task.status",
      "transition from '" + std::string(to_string(from)) + "' to '" + std::string(to_string(to)) + "' is not allowed");
}

result<void> check_transition(std::string_view from, std::string_view to) {
  const auto f = parse_task_status(from);
  if (!f) return make_error(error_kind::invalid, "Task.status", "'" + std::string(from) + "' is not a Task status");
  const auto t = parse_task_status(to);
  if (!t) return make_error(error_kind::invalid, "Task.status", "'" + std::string(to) + "' is not a Task status");
  return check_transition(*f, *t);
}

std::optional<task_status> task_status_after_revocation(task_status current) {
  if (is_terminal(current)) return std::nullopt;
  return task_status::cancelled;
}

}  // namespace gateway::core
