#pragma once
// The seam between the HL7 v2 front door and the referral use case: what the MLLP front door
// (mllp_front_door.hpp) needs from the service that every front door calls. The front door turns
// a REF^I12 into an R4-valid FHIR transaction Bundle; the port stores it exactly as a FHIR
// transaction is stored (profile, access, triage, Patient, Task, events, audit) and, in the same
// unit of work, claims the message's control id (MSH-10) for the sending organisation, so that a
// message sent again - after a lost ACK, or a crash between commit and ACK - finds the first
// one's referral and creates nothing.
//
// Every message leaves exactly one AuditEvent: the use case's (a referral created, in its unit; a
// repeat or a refusal it decided), or else the front door's through record().
//
// Callback based like the store port (core::store_callback): `done` runs once, on any thread.
#include <rapidjson/document.h>

#include <chrono>
#include <optional>
#include <string>

#include "fhir/outcome.hpp"
#include "gateway/api/caller.hpp"
#include "gateway/core/store_callback.hpp"

namespace gateway::api::hl7v2 {

// A message acknowledged before: the referral it created and when (the first ACK's MSH-7).
struct acknowledged_message {
  std::string service_request_id;
  std::chrono::system_clock::time_point committed_at{};
};

struct message_lookup {
  std::optional<acknowledged_message> found;
  std::optional<fhir::outcome> unavailable;  // the store cannot answer now (AR)
};

struct referral_submission {
  caller who;
  std::string message_control_id;            // MSH-10: claimed with the referral; the request id
  const rapidjson::Value* bundle = nullptr;  // R4-valid transaction Bundle; outlives the call
};

struct submission_outcome {
  enum class kind {
    created,          // stored now
    repeat_referral,  // the referral id (RF1-6) was stored before: nothing created
    repeat_message,   // this control id was claimed meanwhile (a concurrent re-send): nothing created
    refused,          // invalid content, or not this caller's to send (AE)
    not_now,          // storage busy or unavailable, or a fault of ours: nothing stored (AR)
  };
  kind what = kind::refused;
  std::string service_request_id;
  std::chrono::system_clock::time_point committed_at{};  // created / repeat_message
  fhir::outcome issues;                                  // refused / not_now: why, with expressions into the Bundle
  bool audited = false;  // the use case recorded this message's access (created: in its unit)
};

// The one AuditEvent of a message the use case did not record: refused before or by it, or a
// control id answered again from its claim.
struct message_record {
  caller who;                      // empty name and organisation: the sender was not identified
  std::string control_id;          // MSH-10 (the request id)
  bool create = true;              // false: a repeat answered from the stored referral (a read)
  std::string service_request_id;  // "" unless a referral is known
  bool accepted = false;
  bool fault = false;        // not accepted through no fault of the sender's (AR, storage)
  std::string outcome_text;  // ACK code and field; never the message's content
};

class referral_port {
 public:
  virtual ~referral_port() = default;
  virtual void find_message(std::string organisation, std::string control_id,
                            core::store_callback<message_lookup> done) = 0;
  virtual void submit(referral_submission submission, core::store_callback<submission_outcome> done) = 0;
  // `done(true)` once the record is durable; false: it could not be stored (the sender gets AR).
  virtual void record(message_record record, core::store_callback<bool> done) = 0;
};

}  // namespace gateway::api::hl7v2
