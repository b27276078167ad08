#pragma once
// Use case: a referrer sends a new referral (FHIR POST /ServiceRequest and transaction Bundles
// today; BaRS $process-message and HL7 v2 REF^I12 through the same call). The referral passes
// the profile and the access check (referral_submission.hpp), is triaged, and is stored with its
// Patient (one per NHS number), Task, triage event, AuditEvent and any resources it came with as
// one unit of work (core::plan_referral_create): all of it, or nothing.
//
// A repeat of the referral identifier — sequential, concurrent, or named by If-None-Exist —
// creates nothing and answers the stored referral (created = false).
//
// Thread safety: the service is immutable; create() may run concurrently. The documents the
// command points at must outlive the task.
#include <optional>
#include <string>
#include <vector>

#include "gateway/app/command.hpp"
#include "gateway/app/context.hpp"
#include "gateway/app/referral_submission.hpp"
#include "gateway/app/refusal.hpp"
#include "gateway/app/task.hpp"
#include "gateway/core/referral.hpp"
#include "gateway/core/store_records.hpp"

namespace gateway::app {

struct referral_create_command {
  caller who;
  request_meta meta;
  referral_document referral;
  // FHIR If-None-Exist (identifier=SYSTEM|VALUE): answer the referral stored under this
  // identifier of the caller's organisation, if there is one, instead of creating.
  std::optional<core::identifier> if_none_exist;
};

struct referral_created {
  bool created = false;                   // false: stored before under this identifier
  core::resource_record service_request;  // the new or the stored referral
  // When created: every record of the unit (core::plan_referral_create order) and where the
  // Patient and the companion resources are in it.
  std::vector<core::resource_record> written;
  std::string patient_id;
  std::optional<std::size_t> patient_write;   // nullopt: the Patient stored before was used
  std::vector<std::size_t> companion_writes;  // one per checked_referral::companions, same order
};

class referral_create_service {
 public:
  explicit referral_create_service(const context& ctx) : ctx_(ctx) {}

  task<result<referral_created>> create(referral_create_command command) const;

 private:
  task<result<referral_created>> stored_referral(std::string id) const;

  const context& ctx_;
};

}  // namespace gateway::app
