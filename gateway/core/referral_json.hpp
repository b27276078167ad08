#pragma once
// The normalised referral as JSON, the shape triage events carry to the platform (DESIGN.md §3).
// Only what the normalised referral holds goes out: NHS number and birth date identify the
// patient to the platform, which needs them to make contact; no name or address is copied.
// Empty fields are left out.
//
//   {"serviceRequestId","status","identifier":{"system","value"},"requesterOds",
//    "patient":{"nhsNumber","birthDate"},"reasons":[{"system","code","display"}],"priority",
//    "authoredOn","occurrence","note",
//    "observations":[{"codes":[...],"valueNumber","valueCode":{...},"valueBoolean","valueString","effective"}],
//    "answers":[{"linkId","valueNumber","valueCode":{...},"valueBoolean","valueString"}]}
//   valueCode is the first coding of a coded value; "valueCodes" lists all of them when there are
//   several (triage reads every one).
//
// Thread safety: pure function; the value lives in the caller's allocator.

#include "gateway/core/json_write.hpp"
#include "gateway/core/referral.hpp"

namespace gateway::core {

rapidjson::Value referral_to_json(const referral& r, json::allocator& a);

}  // namespace gateway::core
