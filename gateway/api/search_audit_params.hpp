#pragma once
// The search parameters of GET /AuditEvent (platform only) and their translation into the storage
// port's audit_query. Pure (no I/O).
//   entity  Type/id of the resource the access was about (one value)
//   date    when it was recorded; prefixes eq, ge, gt, le, lt (see search_date.hpp); ANDed
//   agent   the caller's organisation: ODS code, or https://fhir.nhs.uk/Id/ods-organization-code|CODE
//           (also as agent:identifier); one value
//   _sort   date (oldest first) or -date (newest first, the default)
//   _count, _cursor, _format as for resource searches (search_params.hpp)
//
// Thread safety: pure functions.
#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <vector>

#include "gateway/api/api_request.hpp"
#include "gateway/api/route.hpp"
#include "gateway/api/search_params.hpp"
#include "gateway/core/store_query.hpp"

namespace gateway::api {

struct translated_audit_search {
  core::audit_query query;
  std::optional<std::size_t> requested_count;  // _count over the maximum, clamped
  std::vector<std::string> ignored;            // parameters not applied, named as sent
  std::vector<query_param> applied;            // parameters applied, for the links (no _cursor)
};

using audit_translate_outcome = boost::system::result<translated_audit_search, search_param_error>;

audit_translate_outcome translate_audit_search(const std::vector<query_param>& params);

std::vector<search_param_spec> audit_capability_search_params();

}  // namespace gateway::api
