#pragma once
// Test data helpers shared by the integration tests: files from tests/data, and the standard
// practice-a referral with a referral number of the test's choosing.
#include <cstdint>
#include <string>

namespace rg::testing {

// The whole file (empty when it cannot be read).
std::string read_text(const std::string& path);

// `text` with the first `from` replaced by `to`; throws when `from` is absent (a fixture changed).
std::string replaced(std::string text, const std::string& from, const std::string& to);

// tests/data/core/servicerequest-contained.json (practice-a, contained Patient with NHS number
// 9434765919) with its referral number REF-2024-0001 replaced by `number`.
std::string referral_fixture(const std::string& number);

// A valid NHS number made from `seed` (nine digits, then the modulus-11 check digit; seeds whose
// check would be 10 are skipped); `seed` moves past the one used, so each call gives a new number.
std::string nhs_number(std::uint64_t& seed);

}  // namespace rg::testing
