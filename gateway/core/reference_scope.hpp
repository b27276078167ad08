#pragma once
// Which resources a referrer's write may point at (issue 9 item 4), as data. A referrer's
// ServiceRequest, and every resource it sends with one, may refer only to
//   - resources in the same request: contained ("#id") or another entry of its Bundle
//     ("urn:uuid:", checked by read_transaction_referral);
//   - stored resources of its own organisation ("Type/id", owner = the caller's ODS code);
//   - the platform's public resources ("Type/id" of a public_types type owned by the platform).
// Everything else — another organisation's resource, a resource that does not exist, an absolute
// URL the gateway cannot vouch for — is refused with one and the same answer
// (reference_scope_issue), so a referrer cannot learn whether another practice's resource exists.
// Logical references (`identifier` only, no `reference`) name no stored resource and are left
// alone.
//
// One exception, for messages from the sender's own system (BaRS $process-message): a relative
// reference to a type the gateway never stores (sender_record_types) names a record in the
// sender's system (FHIR messaging: what the message does not carry stays the sender's). It cannot
// reach any practice's data here, so it is kept as sent and never looked up. A reference to a type
// the gateway does store (Patient, ServiceRequest, Task, Observation, ...) is checked as above,
// whatever the front door; and a write that would store a resource of a sender_record_types type
// is refused, so "never stores" stays true (app/reference_check.cpp).
//
// The store look-ups are the use case's (app/reference_check.hpp); this file holds what needs no
// I/O: which references to look up, and what the owner found allows.
//
// Thread safety: pure functions.

#include "gateway/core/bundle_references.hpp"

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gateway::core {

// Types the platform publishes for every referrer to name (its services and sites).
inline constexpr std::string_view public_types[] = {"HealthcareService", "Location", "Organization", "Endpoint"};

// Types the gateway never stores and a message may name as the sender's own records. Add a type
// only when no route, transaction entry or mapping stores it and a sender is seen to need it:
// each one widens what a referrer writes unchecked. EpisodeOfCare: the published BaRS referral's
// Encounter.episodeOfCare.
inline constexpr std::string_view sender_record_types[] = {"EpisodeOfCare"};

bool is_sender_record_type(std::string_view type);

// Where the relative references of a write point when the request does not carry their target:
// this gateway's store (REST, HL7 v2), or the sending system (a BaRS message).
enum class reference_base { gateway, sender_system };

// A reference that leaves the request: `type`/`id` are set for a relative "Type/id" reference,
// empty for anything else (an absolute URL, "Type/id/_history/n", garbage), which is refused.
struct outside_reference {
  std::string path;  // relative to the resource it is in
  std::string reference;
  std::string type;
  std::string id;
};

// Every reference in `resource` that is neither "#id" nor "urn:uuid:".
std::vector<outside_reference> outside_references(const rapidjson::Value& resource);

// Whether `ref` is kept as sent, without a look-up: a relative reference to a sender_record_types
// type in a write whose references are based at the sender's system.
bool kept_as_sender_record(const outside_reference& ref, reference_base base);

// The refusal of a resource of a sender_record_types type (which the gateway never stores).
std::string sender_record_issue(std::string_view type);

// Whether a stored resource with this owner may be named by a referrer of `caller_org`.
bool may_refer_to(std::string_view caller_org, std::string_view type, std::string_view owner_org,
                  std::string_view platform_org);

// The one answer for a reference a referrer may not make, whatever the reason.
std::string reference_scope_issue(std::string_view reference);

}  // namespace gateway::core
