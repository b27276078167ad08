#pragma once
// Shapes answers about stored resources (ETag, Last-Modified, Location, Prefer); with
// fhir_response.cpp, the one place where results become HTTP.
#include <string>
#include <string_view>

#include "gateway/api/api_request.hpp"
#include "gateway/core/store_records.hpp"
#include "gateway/net/http_handler.hpp"

namespace gateway::api {

enum class prefer_return { representation, minimal, operation_outcome };

// The Prefer header's return= preference (representation when absent or unknown).
prefer_return preferred_return(const api_request& request);

// 200/201 with the resource (or what Prefer asks for), ETag W/"version", Last-Modified and,
// when `location` is set, Location base/type/id/_history/version.
net::http_response resource_response(const api_request& request, unsigned status, const core::resource_record& record,
                                     bool location);

// A stored resource's JSON as a 200 (for reads and searches the Prefer header does not apply).
net::http_response read_response(const core::resource_record& record);

// "2026-11-26T04:39:44.123Z" -> "Thu, 26 Nov 2026 04:39:44 GMT" (empty when unparsable).
std::string http_date_of_instant(std::string_view instant);

}  // namespace gateway::api
