#pragma once
// GET /AuditEvent?entity=&date=&agent=&_sort=&_count= for the platform (a referrer gets 403, by
// core::decide read_audit): a searchset Bundle of AuditEvents, newest first, keyset-paged by the
// store's cursor. No total: the audit store does not count.
#include "gateway/api/app_context.hpp"
#include "gateway/api/route_table.hpp"

namespace gateway::api {

void register_audit_search_route(route_table& routes, const app_context& context);

}  // namespace gateway::api
