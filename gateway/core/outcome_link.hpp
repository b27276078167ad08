#pragma once
// Outcomes (Observation, DocumentReference, QuestionnaireResponse) belong to a referral through a
// reference to its ServiceRequest: Observation.basedOn and QuestionnaireResponse.basedOn; R4
// DocumentReference has no basedOn, so it uses context.related. This finds that reference, so
// access control and search indexing agree on which referral an outcome belongs to.
//
// Thread safety: pure functions.

#include "gateway/core/error.hpp"

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>

namespace gateway::core {

// The search-index entry the platform's outcome posts carry (and nothing else writes): outcome
// reports and summaries read only resources with it. Not a FHIR search parameter; no route
// exposes it.
inline constexpr std::string_view written_by_param = "_written-by";
inline constexpr std::string_view written_by_platform = "platform";

bool is_outcome_type(std::string_view resource_type);

// The first "ServiceRequest/{id}" reference in the element that
// links this outcome type to its referral; nullopt if none.
std::optional<std::string> outcome_service_request(const rapidjson::Value& resource);

// For POST of an outcome: an outcome type, linked to a ServiceRequest. Errors name the element.
result<std::string> check_outcome_link(const rapidjson::Value& resource);

}  // namespace gateway::core
