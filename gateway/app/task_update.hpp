#pragma once
// Use case: the platform moves a referral's Task on (FHIR PUT /Task/{id}): a status the Task
// state machine allows, a business status from its code system, output and notes; everything
// else must come back unchanged (core::merge_task_update). Stored with the referrer's feedback
// message (status-update, or outcome-report with the outcome summary when the Task completes)
// and its AuditEvent in one unit of work (core::plan_task_update).
//
// Only the platform changes Tasks: a referrer gets forbidden for its own referral's Task and
// not_found for anyone else's. Versions as in referral_update.hpp: `if_match` pins the version;
// without it a racing change is merged onto the new version and committed again.
//
// Thread safety: the service is immutable; calls may run concurrently. The document the command
// points at must outlive the task.
#include <cstdint>
#include <optional>
#include <string>

#include <rapidjson/document.h>

#include "gateway/app/command.hpp"
#include "gateway/app/context.hpp"
#include "gateway/app/refusal.hpp"
#include "gateway/app/task.hpp"
#include "gateway/core/code_system.hpp"
#include "gateway/core/store_records.hpp"

namespace gateway::app {

struct task_update_command {
  caller who;
  request_meta meta;
  std::string id;                          // the Task's id
  const rapidjson::Value* task = nullptr;  // the Task as the platform wants it, R4-valid
  std::optional<std::int64_t> if_match;
};

class task_update_service {
 public:
  explicit task_update_service(const context& ctx);

  // The stored Task as it is after the change.
  task<result<core::resource_record>> update(task_update_command command) const;

 private:
  using attempt_result = std::optional<result<core::resource_record>>;  // nullopt: try again
  task<attempt_result> attempt(const task_update_command* command) const;

  const context& ctx_;
  const core::code_system business_status_;
  const core::code_system outcome_codes_;
};

}  // namespace gateway::app
