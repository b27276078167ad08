#pragma once
// A referrer's `PUT /ServiceRequest/{id}`, as data: the checks an update must pass beyond the R4
// and profile validation, and the one unit of work the store commits atomically:
//   - the ServiceRequest, its subject kept on the stored Patient (a contained Patient removed),
//     conditional on the version that was read (expected_version), so checks made against that
//     version hold when it is replaced;
//   - for status `revoked`, the referral's Task cancelled (task_status_after_revocation; a
//     terminal Task is left alone), conditional on its version too;
//   - the triage event: `referral.cancelled` for a revocation, else `referral.updated` (triage
//     re-run on the new content);
//   - the AuditEvent of the update.
//
// Refused (error names the element):
//   - the body's id differs from the id in the URL (invalid, ServiceRequest.id);
//   - the stored referral is revoked, completed or entered-in-error: it can no longer change
//     (unprocessable, ServiceRequest.status);
//   - the referral identifier differs from the stored one (unprocessable, ServiceRequest.identifier):
//     it is how the referrer names the referral, and repeats are recognised by it;
//   - the NHS number differs from the stored Patient's (unprocessable, ServiceRequest.subject);
//   - the requester organisation differs from the owner (unprocessable, ServiceRequest.requester).
//
// The caller supplies ids and time, so this stays pure. Thread safety: pure function.

#include "gateway/core/audit_event.hpp"
#include "gateway/core/error.hpp"
#include "gateway/core/referral.hpp"
#include "gateway/core/store_records.hpp"
#include "gateway/core/triage_evaluate.hpp"
#include "gateway/core/triage_event.hpp"

#include <rapidjson/document.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace gateway::core {

// The statuses a referrer may PUT (fhir::referral_profile_options::accepted_statuses).
inline constexpr std::string_view referral_update_statuses[] = {"active", "on-hold", "revoked"};

struct stored_task_ref {
  const rapidjson::Value* json = nullptr;  // the current Task, with id
  std::int64_t version = 0;
  std::string owner_org;
};

struct referral_update_input {
  std::string id;                               // from the URL
  const rapidjson::Value* incoming = nullptr;   // validated ServiceRequest from the body
  const referral* normalised = nullptr;         // of `incoming`
  const resource_record* stored = nullptr;      // the current ServiceRequest version
  const referral* stored_normalised = nullptr;  // of the stored ServiceRequest
  std::string patient_id;                       // the stored referral's Patient
  std::optional<stored_task_ref> task;          // the referral's Task, when found
  triage_result triage;                         // evaluated on `normalised`
  std::string event_source;
  std::string event_id;
  std::string audit_id;
  std::chrono::system_clock::time_point now{};
  audit_input audit;  // who/request id; id, time, action, entity filled in here
};

struct referral_update_plan {
  unit_of_work work;
  std::size_t service_request_write = 0;
  std::optional<std::size_t> task_write;
  referral_event_type event = referral_event_type::updated;
};

result<referral_update_plan> plan_referral_update(const referral_update_input& in);

// The Task after its referral was revoked: status cancelled, a statusReason saying why,
// lastModified = now. nullopt when the Task is terminal already (it stays as it is).
std::optional<rapidjson::Document> task_after_revocation(const rapidjson::Value& task, std::string_view now);

}  // namespace gateway::core
