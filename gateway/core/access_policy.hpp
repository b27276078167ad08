#pragma once
// Who may do what (DESIGN.md §2 "Access control", issue 4 item 2). Callers are identified by
// their client certificate, which configuration maps to a role and an organisation (ODS code).
//
// - A referrer creates referrals only with a requester of its own organisation (403 otherwise:
//   the request is its own, nothing leaks by saying no).
// - A referrer reads, searches and updates only resources owned by its organisation (its
//   referrals, their Tasks and outcomes). Anything else answers not_found, exactly as a missing
//   id, so a referrer cannot probe for other organisations' referrals.
// - Only the platform changes Tasks and posts outcomes; a referrer trying it on its own
//   referral gets forbidden, on another's gets not_found (again: no probing).
// - The platform reads and searches everything, but does not create or update referrals: those
//   are the referrer's clinical record.
// - Audit records are for the platform only.
//
// "Owner" is the organisation of the referral a resource belongs to; the store keeps it per
// resource (resource_record::owner_org), set from the referral's requester ODS code.
//
// Thread safety: pure functions.

#include <optional>
#include <string>
#include <string_view>

namespace gateway::core {

// An operator runs the gateway: it reaches only the /ops routes (outbox), none of the clinical
// resources, so every decision here refuses it.
enum class caller_role { referrer, platform, operator_ };

struct caller {
  caller_role role = caller_role::referrer;
  std::string organisation;  // ODS code; may be empty for the platform
};

enum class access_decision { allow, forbidden, not_found };

enum class access_action {
  create_referral,  // POST /ServiceRequest, transaction Bundle
  read,             // read, vread, history of one resource
  update_referral,  // PUT /ServiceRequest/{id} (including revoke)
  change_task,      // PUT /Task/{id}
  post_outcome,     // POST Observation / DocumentReference / QuestionnaireResponse
  read_audit,       // GET /AuditEvent
};

std::string_view to_string(caller_role r);  // "referrer", "platform", "operator" (as configured)
std::string_view to_string(access_decision d);
std::string_view to_string(access_action a);

// `organisation` is the resource owner for read/update_referral/change_task/post_outcome (the
// owner of the referral the outcome is basedOn), and the requester ODS code for create_referral;
// it is ignored for read_audit. An update that changes the requester must also pass
// create_referral for the new requester.
access_decision decide(const caller& who, access_action what, std::string_view organisation);

// The owner filter every search by this caller must carry: its own organisation for a referrer,
// nullopt (everything) for the platform.
std::optional<std::string> search_scope(const caller& who);

}  // namespace gateway::core
