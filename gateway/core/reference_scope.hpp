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

// Whether a stored resource with this owner may be named by a referrer of `caller_org`.
bool may_refer_to(std::string_view caller_org, std::string_view type, std::string_view owner_org,
                  std::string_view platform_org);

// The one answer for a reference a referrer may not make, whatever the reason.
std::string reference_scope_issue(std::string_view reference);

}  // namespace gateway::core
