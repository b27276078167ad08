#pragma once
// The NHS number check (10 digits, modulus-11 check digit; shared/clinical-codes.md). The
// referral profile rejects a referral whose NHS number fails it: a mistyped number would attach
// the referral to the wrong person or to nobody.
//
// Thread safety: pure function.

#include <string_view>

namespace gateway::core {

// True when text is exactly 10 ASCII digits whose last digit is the modulus-11 check digit of the
// first nine. Spaces are not accepted: FHIR identifiers carry the bare digits.
bool is_valid_nhs_number(std::string_view text);

} // namespace gateway::core
