#pragma once
// NHS number rules (NHS England): ten digits, the last a modulus-11 check digit.
// Pure functions; callable from any thread.

#include <string_view>

namespace fhir {

inline constexpr std::string_view nhs_number_system = "https://fhir.nhs.uk/Id/nhs-number";

// True for exactly ten ASCII digits whose check digit is right: weights 10..2 on the first nine,
// 11 - (sum mod 11), 11 reads as 0, 10 means no valid number. No spaces are accepted.
bool is_valid_nhs_number(std::string_view s) noexcept;

}  // namespace fhir
