#pragma once
// Accepting a new referral, as data: from a validated ServiceRequest (and its normalised form)
// to the one unit of work the store commits atomically:
//   - the ServiceRequest, owned by the requester organisation, its subject rewritten to the
//     stored Patient (a contained Patient moves out into that Patient);
//   - the Patient, when the requester has no Patient with this NHS number stored yet (owned by
//     and claimed per requester organisation: one Patient per NHS number per referring practice,
//     so each keeps its own demographics and none learns who else refers the person);
//   - the claim on the referrer's identifier (system + value, per organisation): a repeat of the
//     same referral fails the whole unit with identifier_taken and the stored referral's id;
//   - the Task (status requested, triage priority and suggestion);
//   - the referral.received triage event in the outbox (CloudEvents, ordered per referral);
//   - the AuditEvent of the create; for a transaction Bundle one more per entry written (the new
//     Patient, each accompanying resource), so each entry has its own record;
//   - for a transaction Bundle, the resources that came with the referral (its Practitioner,
//     Organization, Condition, supporting Observations, ...), owned by the requester, with every
//     Bundle urn:uuid: reference (in them, the ServiceRequest and a new Patient) rewritten to the
//     stored Type/id. The Bundle's Patient entry is the Patient above: when one is stored for the
//     NHS number already, references to the entry point at that one and it is not written again.
// The caller supplies ids and time (the core generates neither), so this stays pure.
//
// Thread safety: pure function.

#include "gateway/core/audit_event.hpp"
#include "gateway/core/referral.hpp"
#include "gateway/core/store_records.hpp"
#include "gateway/core/triage_evaluate.hpp"

#include <rapidjson/document.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace gateway::core {

inline constexpr const char* nhs_number_system = "https://fhir.nhs.uk/Id/nhs-number";

struct referral_create_ids {
  std::string service_request;
  std::string task;
  std::string new_patient;  // used only when no stored Patient exists
  std::string event;
  std::string audit;
  std::string patient_audit;  // transaction Bundles: the new Patient entry's AuditEvent
};

// A resource that arrives with the referral (a transaction Bundle's other entries).
struct accompanying_resource {
  const rapidjson::Value* resource = nullptr;  // validated; carries resourceType
  std::string id;                              // the id to store it under (the caller makes it)
  std::string full_url;                        // its Bundle fullUrl; "" when nothing refers to it
  std::string audit_id;                        // its entry's AuditEvent
};

struct referral_create_input {
  const rapidjson::Value* service_request = nullptr;  // validated, resourceType ServiceRequest
  const referral* normalised = nullptr;
  // The Patient the request carried (contained, or a Bundle entry); nullptr for a logical
  // NHS-number reference. Used only when the Patient is new.
  const rapidjson::Value* patient = nullptr;
  std::optional<std::string> stored_patient_id;  // the requester's Patient already stored for this NHS number
  triage_result triage;
  std::string platform_org;
  std::string event_source;  // CloudEvents source: the gateway's URI
  referral_create_ids ids;
  std::chrono::system_clock::time_point now{};
  audit_input audit;  // who/request id; id, time, action, entity filled in here
  // Transaction Bundles only (empty / false for a plain create):
  bool audit_each_entry = false;
  std::string service_request_full_url;
  std::string patient_full_url;  // the Patient entry's fullUrl
  std::vector<accompanying_resource> accompanying;
};

struct referral_create_plan {
  unit_of_work work;
  std::string patient_id;
  std::size_t service_request_write = 0;  // index in work.writes
  std::size_t task_write = 0;
  std::optional<std::size_t> patient_write;      // when the Patient is new
  std::vector<std::size_t> accompanying_writes;  // one per input.accompanying, same order
};

referral_create_plan plan_referral_create(const referral_create_input& in);

// The ServiceRequest's subject pointed at the stored Patient, the contained Patient it named
// removed (other contained resources' "#id" references to it now name the stored Patient), id and
// meta dropped (the store sets them). Exposed for tests and transaction Bundles.
rapidjson::Document stored_service_request(const rapidjson::Value& service_request, const std::string& patient_id);

}  // namespace gateway::core
