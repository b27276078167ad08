#pragma once
// FHIR R4 Task.status codes (http://hl7.org/fhir/task-status) as an enum.
//
// Thread safety: pure functions over an enum.

#include <optional>
#include <string_view>

namespace gateway::core {

enum class task_status {
  draft,
  requested,
  received,
  accepted,
  rejected,
  ready,
  cancelled,
  in_progress,
  on_hold,
  failed,
  completed,
  entered_in_error,
};

std::optional<task_status> parse_task_status(std::string_view code);
std::string_view to_string(task_status s);

// No further work happens from here (only a correction to entered-in-error).
bool is_terminal(task_status s);

}  // namespace gateway::core
