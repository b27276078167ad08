#pragma once
// Which service a BaRS message is for. The NHSD-Target-Identifier header carries it as base64 of
// a JSON object {"value": "...", "system": "..."} (API 1.5.0, parameter TargetIdentifier_HParam);
// MessageHeader.source.endpoint and .destination[].endpoint carry the same thing as text,
// "system|value" (e.g. https://fhir.nhs.uk/Id/dos-service-id|2000072489), which the guide says a
// receiver stores to address its asynchronous replies (NHSD-Target-Identifier of the reply).
//
// Two identifiers name the same service when their values are equal and their systems are equal
// once NHS systems are read as defined (nhs_identifier_system.hpp).
//
// Thread safety: pure functions.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/core/error.hpp"

namespace gateway::bars {

struct target_identifier {
  std::string system;
  std::string value;
  bool operator==(const target_identifier&) const = default;
};

// "system|value" with both parts non-empty; nullopt for anything else (a URL, "[ODSCode]:[DoSId]").
std::optional<target_identifier> parse_endpoint_identifier(std::string_view endpoint);
std::string to_endpoint_text(const target_identifier& id);  // "system|value"

// The header's value decoded. Not base64, not a JSON object, or without string members "system"
// and "value": error_kind::invalid naming NHSD-Target-Identifier (400 REC_BAD_REQUEST, as the
// API's own tests expect; an identifier of another service is the caller's 404).
core::result<target_identifier> decode_target_identifier(std::string_view header_value);
std::string encode_target_identifier(const target_identifier& id);

bool same_service(const target_identifier& a, const target_identifier& b);

// The first of `ours` that names the same service as `id`, or nullptr.
const target_identifier* find_service(const std::vector<target_identifier>& ours, const target_identifier& id);

}  // namespace gateway::bars
