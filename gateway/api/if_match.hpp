#pragma once
// The If-Match header of an update (FHIR "version aware" updates): W/"n" as sent in ETag, or "n".
// An absent header lets the update apply to whatever version is current; a present one must name
// the current version (412 otherwise), and an unreadable one is refused (400) rather than ignored.
#include <cstdint>
#include <optional>
#include <string_view>

#include "gateway/api/api_error.hpp"

namespace gateway::api {

struct if_match {
  bool present = false;
  std::optional<std::int64_t> version;  // nullopt when present but unreadable
};

if_match parse_if_match(std::string_view header);

// 400 for an unreadable header; nullopt when there is nothing to refuse yet.
std::optional<api_error> malformed_if_match(const if_match& wanted);

// 412 when the header names another version than `current`.
std::optional<api_error> stale_if_match(const if_match& wanted, std::int64_t current);

}  // namespace gateway::api
