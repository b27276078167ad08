#pragma once
// AuditEvent records: who did what to which resource, when, with what outcome (DESIGN.md §2
// "Access control": every access is audited). The record carries no patient identifier: the
// entity is the resource's logical id, the agent the caller's organisation.
//
// Thread safety: pure function.

#include "gateway/core/store_records.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace gateway::core {

// R4 AuditEvent.outcome codes.
inline constexpr const char* audit_success = "0";
inline constexpr const char* audit_minor_failure = "4";    // refused: not found, forbidden, invalid
inline constexpr const char* audit_serious_failure = "8";  // the server failed

// One more thing an access was about, beside the main entity: a resource a search answered
// (type and id), or, with an empty type, an item outside FHIR named by `system` and `id` (an
// outbox item an operator read).
struct audit_entity {
  std::string type;
  std::string id;
  std::string system;
};

struct audit_input {
  std::string id;  // new AuditEvent id (uuid)
  std::chrono::system_clock::time_point recorded{};
  std::string caller_name;  // configured caller name (certificate), e.g. "practice-a"
  std::string caller_org;   // ODS code
  std::string caller_role;  // "referrer" | "platform"
  audit_action action = audit_action::read;
  std::string interaction;  // FHIR restful-interaction code: "create", "read", "search-type", ...
  std::string entity_type;  // "" when the access was not about one resource (a search)
  std::string entity_id;
  std::string outcome = audit_success;
  std::string outcome_text;  // short reason for a failure (no patient data)
  std::string request_id;
  std::string correlation_id;  // a conversation spanning requests (BaRS X-Correlation-ID); "" if none
  // Whom the caller acted for, besides its certificate (BaRS NHSD-End-User-Organisation,
  // -Requesting-Software, -Requesting-Practitioner as one line); "" if not given. No patient data.
  std::string on_behalf_of;
  std::vector<audit_entity> more_entities;
};

// A complete audit_record, its json an R4 AuditEvent.
audit_record build_audit_record(const audit_input& in);

}  // namespace gateway::core
