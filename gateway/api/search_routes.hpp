#pragma once
// GET /{type}?... for ServiceRequest, Task, Observation, QuestionnaireResponse and
// DocumentReference (parameters: search_params.hpp), and GET /AuditEvent?... for the platform
// (audit_search_route.hpp). Every search is scoped to what the caller may see
// (core::search_scope), answered as a searchset Bundle with keyset-paged next links
// (search_bundle.hpp) and audited. Unknown parameters are reported in an OperationOutcome entry,
// or refused with 400 under "Prefer: handling=strict"; unusable values answer 400 naming the
// parameter. Each route carries its search parameters for the CapabilityStatement.
#include "gateway/api/app_context.hpp"
#include "gateway/api/route_table.hpp"

namespace gateway::api {

void register_search_routes(route_table& routes, const app_context& context);

}  // namespace gateway::api
