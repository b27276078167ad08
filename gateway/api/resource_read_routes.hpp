#pragma once
// GET /{type}/{id}, /{type}/{id}/_history/{vid} and /{type}/{id}/_history for a stored type,
// with the access policy (another organisation's resource answers 404, exactly as a missing one)
// and an AuditEvent per access.
#include <string>

#include "gateway/api/app_context.hpp"
#include "gateway/api/route_table.hpp"

namespace gateway::api {

void register_resource_read_routes(route_table& routes, const app_context& context, const std::string& type);

}  // namespace gateway::api
