#pragma once
// The platform's referral profile over a normalised referral: what must be present beyond FHIR R4
// structure before a referral is accepted. Runs after normalisation so it holds for every wire
// format alike. Returns every failure at once (for `$validate` and one complete OperationOutcome),
// each an error_kind::unprocessable naming the FHIR element a referrer has to fix.
//
// Whether the requester organisation is *known* (configured) and the caller's own is checked by
// access_policy.hpp with configuration; this checks only that one is given.
//
// Thread safety: pure function.

#include "gateway/core/error.hpp"
#include "gateway/core/referral.hpp"

#include <vector>

namespace gateway::core {

std::vector<error> check_referral_profile(const referral& r);

}  // namespace gateway::core
