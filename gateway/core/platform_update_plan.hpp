#pragma once
// The platform's writes that the referrer hears about, as data: `PUT /Task/{id}` and
// `POST /Observation|DocumentReference|QuestionnaireResponse`. Each becomes one unit of work the
// store commits atomically: the resource, the referrer's feedback message in the outbox
// (feedback_message.hpp) and the AuditEvent. A 2xx therefore always means the referrer will be
// told, and a failed commit tells nobody anything.
//
// Which message:
//   - Task update: `outcome-report` when the Task moves to completed (with the outcome summary
//     over the referral's Observations, which the message also carries), else `status-update`;
//   - posted outcome: `outcome-report` with that resource and the summary over the referral's
//     Observations including it (when it is one).
// The summary uses the first and last PHQ-9 / GAD-7 totals (outcome_summary.hpp); scores it
// cannot use are skipped there, and too few scores make it say so rather than guess.
//
// Error: the validator's issues when the message is not valid R4 — a gateway bug, never queued.
//
// Thread safety: pure functions.

#include "gateway/core/audit_event.hpp"
#include "gateway/core/feedback_message.hpp"
#include "gateway/core/store_records.hpp"
#include "gateway/core/task_update.hpp"

#include "fhir/outcome.hpp"

#include <rapidjson/document.h>
#include <boost/system/result.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace gateway::core {

// What every feedback message needs besides the change itself.
struct feedback_settings {
  std::string message_id;  // a new UUID: the outbox item id
  std::string source_endpoint;
  std::string base_url;
  feedback_destination destination;
  const code_system* summary_codes = nullptr;  // the outcome-summary code system
};

// The message input every feedback message starts from: `s` and the event at `now`; the caller
// adds the Task, the referral, the Patient (when the destination wants it) and any outcomes.
feedback_message_input message_input(const feedback_settings& s, feedback_event event,
                                     std::chrono::system_clock::time_point now);

struct platform_write_plan {
  unit_of_work work;
  std::size_t resource_write = 0;  // index in work.writes of the Task / outcome
  feedback_event event = feedback_event::status_update;
};

using platform_plan_outcome = boost::system::result<platform_write_plan, fhir::outcome>;

struct task_update_input {
  const resource_record* stored = nullptr;                     // the Task version the change was merged onto
  task_change* change = nullptr;                               // from merge_task_update; its document is used
  const rapidjson::Value* service_request = nullptr;           // the Task's referral, with id
  std::vector<const rapidjson::Value*> referral_observations;  // stored, for an outcome-report
  feedback_settings feedback;
  std::chrono::system_clock::time_point now{};
  std::string audit_id;
  audit_input audit;                          // who/request id
  const rapidjson::Value* patient = nullptr;  // the referral's Patient, with id, when the destination wants it
};

platform_plan_outcome plan_task_update(const task_update_input& in);

// The resource as a message shows it once committed: its id, and meta.versionId of the version
// the commit writes (the time is the store's to set, so lastUpdated is left out).
rapidjson::Document as_committed(const rapidjson::Value& resource, std::string_view id, std::int64_t version);

struct outcome_post_input {
  const rapidjson::Value* resource = nullptr;                  // validated outcome as posted
  std::string id;                                              // new id for it
  std::string owner_org;                                       // the referral's owner: its referrer reads it
  const rapidjson::Value* service_request = nullptr;           // the referral, with id
  const rapidjson::Value* task = nullptr;                      // the referral's Task, with id
  std::vector<const rapidjson::Value*> referral_observations;  // stored before this one
  feedback_settings feedback;
  std::chrono::system_clock::time_point now{};
  std::string audit_id;
  audit_input audit;
  const rapidjson::Value* patient = nullptr;  // the referral's Patient, with id, when the destination wants it
};

platform_plan_outcome plan_outcome_post(const outcome_post_input& in);

}  // namespace gateway::core
