#pragma once
// Merging the platform's `PUT /Task/{id}` into the stored Task. The platform may change only
// status, businessStatus, statusReason, output, note and owner; everything else (basedOn, for,
// requester, ...) is the gateway's record of the referral and must come back unchanged.
//
// - Compared element by element (deep JSON equality); an element added, removed or changed
//   outside the mutable set fails naming it: "Task.for: may not be changed (...)".
// - Ignored in the incoming body: meta (the store owns versions), text (narrative), and
//   lastModified (the gateway sets it to `now`).
// - status is required and must be a Task state machine transition (task_state_machine.hpp);
//   businessStatus, when present, must carry a code from the business-status code system.
// - The body's id, when present, must be the stored id.
//
// Thread safety: pure function; the returned document is the caller's.

#include "gateway/core/code_system.hpp"
#include "gateway/core/error.hpp"
#include "gateway/core/task_status.hpp"

#include <rapidjson/document.h>

#include <string_view>

namespace gateway::core {

struct task_change {
  rapidjson::Document task;  // the merged Task to store (move-only)
  task_status from = task_status::requested;
  task_status to = task_status::requested;
  bool status_changed = false;           // feedback: a status-update goes to the referrer
  bool business_status_changed = false;  // feedback too: "contact attempted" matters to a GP
};

result<task_change> merge_task_update(const rapidjson::Value& stored, const rapidjson::Value& incoming,
                                      const code_system& business_status, std::string_view now);

}  // namespace gateway::core
