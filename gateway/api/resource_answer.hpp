#pragma once
// Shapes answers about stored resources (ETag, Last-Modified, Location, Prefer) and maps the
// store's and the core's errors to api_error: together with fhir_response.cpp, the one place
// where results become HTTP.
#include <boost/system/error_code.hpp>

#include <string>
#include <string_view>

#include "gateway/api/api_error.hpp"
#include "gateway/api/api_request.hpp"
#include "gateway/core/access_policy.hpp"
#include "gateway/core/error.hpp"
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

api_error error_from_store(const boost::system::error_code& ec);
api_error error_from_core(const core::error& e);
api_error error_from_validation(unsigned status, fhir::outcome outcome);

// The API's caller as the core's access policy sees it.
core::caller core_caller(const caller& who);

// A new random UUID (lower case, 36 characters).
std::string new_uuid();

}  // namespace gateway::api
