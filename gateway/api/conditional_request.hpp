#pragma once
// FHIR's conditional request headers, read into what the use cases take:
// - If-Match on an update ("version aware" updates): W/"n" as sent in ETag, or "n". Absent, the
//   update applies to whatever version is current; present, it must name the current version
//   (the use case refuses precondition_failed, 412, otherwise); unreadable, it is refused (400)
//   rather than ignored.
// - If-None-Exist on a create (and a transaction entry's request.ifNoneExist):
//   identifier=SYSTEM|VALUE, the only criterion supported.
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

#include "gateway/api/api_error.hpp"
#include "gateway/core/referral.hpp"

namespace gateway::api {

// The version If-Match names (nullopt when absent), or the 400 for an unreadable header.
std::variant<std::optional<std::int64_t>, api_error> read_if_match(std::string_view header);

// "identifier=SYSTEM|VALUE" -> {SYSTEM, VALUE}; nullopt for anything else.
std::optional<core::identifier> if_none_exist_identifier(std::string_view criteria);

}  // namespace gateway::api
