#pragma once
// The service level for urgent referrals (issue 9 item 3), as data. A Task of priority urgent or
// higher that is not accepted (still `requested` or `received`) within `period` of becoming
// urgent is overdue: the platform gets a `referral.overdue` event once, and again after each
// further period, until someone accepts (or otherwise moves) the Task.
//
// - Became urgent: the latest `escalated` input on the Task (triage_escalation.hpp writes one when
//   a later change raised it), else Task.authoredOn (urgent from intake).
// - Notices already raised: the Task's `overdue-notice` inputs. A notice is the Task's new version
//   with one more such input plus the event, in one unit of work conditional on the Task version
//   read: a notice is raised exactly once however often, and on however many instances, the
//   check runs (a concurrent one fails its version check and finds it done next time).
//
// The caller supplies the time (an injectable clock), ids and the period; nothing here sleeps.
//
// Thread safety: pure functions.

#include "gateway/core/fhir_time.hpp"
#include "gateway/core/store_records.hpp"

#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace gateway::core {

// The Task statuses in which an urgent referral still waits to be accepted.
inline constexpr std::string_view waiting_task_statuses[] = {"requested", "received"};

// Since when the Task has waited at its current priority: its latest `escalated` input, else its
// authoredOn; nullopt when neither is a full dateTime. The service level counts from here.
std::optional<instant> waiting_since(const rapidjson::Value& task);

// The number (1, 2, ...) of the notice due now for this Task, or nullopt when none is due (not
// urgent, not waiting, no start time, or the next period has not passed).
std::optional<std::int64_t> overdue_notice_due(const rapidjson::Value& task, std::chrono::system_clock::time_point now,
                                               std::chrono::milliseconds period);

struct overdue_notice_input {
  const rapidjson::Value* task = nullptr;  // with id
  std::int64_t task_version = 0;
  std::string task_owner;
  std::int64_t notice = 1;  // from overdue_notice_due
  std::string event_id;
  std::string event_source;
  std::chrono::system_clock::time_point now{};
  std::chrono::milliseconds period{};
};

// The Task's next version and the referral.overdue event (CloudEvents, ordered per referral).
unit_of_work plan_overdue_notice(const overdue_notice_input& in);

}  // namespace gateway::core
