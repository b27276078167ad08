#pragma once
// Quoting input values inside diagnostics: at most `max` bytes, cut on a UTF-8 character
// boundary (never inside a multi-byte character, so the OperationOutcome stays valid UTF-8 and
// valid JSON), with control characters, quotes and backslashes escaped; "..." marks a cut.

#include <string>
#include <string_view>

namespace fhir {

std::string quote_value(std::string_view s, std::size_t max = 80);

// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
std::string_view utf8_prefix(std::string_view s, std::size_t max);

}  // namespace fhir
