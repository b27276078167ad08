#pragma once
// Triage on every change (issue 9 item 2), as data. A referral is triaged again when its referrer
// updates it and when an Observation or QuestionnaireResponse is added for it later. The result is
// compared with what its Task says now (priority, and the flags in Task.input): priority and
// flags only ever rise, never fall by machine. When either rises, the unit of work gains
//   - a new Task version: the higher priority, the new flags and matched rules added to its
//     inputs, a note saying what rose and that a clinician must review it, lastModified = now
//     (conditional on the Task version that was read);
//   - a `referral.escalated` CloudEvent for the platform, carrying the merged triage;
//   - a `status-update` feedback message to the referrer with the new Task: the risk was seen
//     (MessageHeader.reason.text carries the Task's new note, so an HL7 v2 referrer reads it in
//     NTE-3 too).
// Nothing rises: nothing is added (nullopt).
//
// Error: the validator's issues when the feedback message is not valid R4 (a gateway bug).
//
// Thread safety: pure functions.

#include "gateway/core/platform_update_plan.hpp"
#include "gateway/core/referral.hpp"
#include "gateway/core/store_records.hpp"
#include "gateway/core/triage_evaluate.hpp"

#include "fhir/outcome.hpp"

#include <rapidjson/document.h>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gateway::core {

// The triage a Task carries now: its priority and the flags and matched rules in its inputs.
triage_result triage_on_task(const rapidjson::Value& task);

struct escalation_input {
  const rapidjson::Value* task = nullptr;  // the current Task, with id
  std::int64_t task_version = 0;
  std::string task_owner;
  const rapidjson::Value* service_request = nullptr;  // the referral as the message shows it, with id
  const referral* normalised = nullptr;               // what the event carries
  triage_result triage;                               // on the referral as it now reads
  std::string event_id;
  std::string event_source;
  feedback_settings feedback;                 // for the status-update to the referrer
  const rapidjson::Value* patient = nullptr;  // the referral's Patient, with id (used when the destination wants it)
  std::chrono::system_clock::time_point now{};
};

struct escalation {
  triage_result merged;  // the Task's triage raised by the new one
  resource_write task_write;
  outbox_item event;     // referral.escalated
  outbox_item feedback;  // status-update
};

using escalation_outcome = boost::system::result<std::optional<escalation>, fhir::outcome>;

escalation_outcome plan_escalation(const escalation_input& in);

// Adds an escalation's writes and messages to a unit of work; returns the Task write's index.
std::size_t add_escalation(unit_of_work& work, escalation e);

}  // namespace gateway::core
