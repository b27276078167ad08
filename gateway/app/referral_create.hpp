#pragma once
// Use case: a referrer sends a new referral (FHIR POST /ServiceRequest and transaction Bundles
// today; BaRS $process-message and HL7 v2 REF^I12 through the same call). The referral passes
// the profile and the access check (referral_submission.hpp), is triaged, and is stored with its
// Patient (one per NHS number and referring organisation), Task, triage event, AuditEvent and any resources it came
// with as one unit of work (core::plan_referral_create): all of it, or nothing.
//
// A repeat of the referral identifier — sequential, concurrent, or named by If-None-Exist —
// creates nothing and answers the stored referral (created = false). A front door whose messages
// carry their own id (HL7 v2: MSH-10) has it claimed with the referral, in the same unit of work,
// for the caller's organisation: the message sent again - after a lost answer, or a crash between
// the commit and the answer - finds the referral it created (find_message), also when the two
// race.
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
  unit_extension with_unit;  // records of the front door's own, committed with the referral; empty: none
  // The id of the message that carried the referral (HL7 v2: MSH-10 under a system of the front
  // door's), claimed with the referral for the caller's organisation; nullopt: none.
  std::optional<core::identifier> message_id;
};

// A message whose id was claimed before: the referral it created, and when that was first stored
// (version 1's lastUpdated: the time of the first answer).
struct stored_message {
  std::string service_request_id;
  std::string first_committed;  // FHIR instant
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
  // Not created because the command's message_id was claimed meanwhile (the same message, sent
  // again concurrently): that message's referral.
  std::optional<stored_message> message;
};

class referral_create_service {
 public:
  explicit referral_create_service(const context& ctx) : ctx_(ctx) {}

  task<result<referral_created>> create(referral_create_command command) const;

  // The referral a message with this id from `organisation` created, if any.
  task<result<std::optional<stored_message>>> find_message(std::string organisation, core::identifier id) const;

 private:
  task<result<referral_created>> stored_referral(std::string id) const;

  const context& ctx_;
};

}  // namespace gateway::app
