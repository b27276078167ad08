#pragma once
// GET /metadata: the CapabilityStatement, built once from the final route table.
#include <memory>

#include "gateway/api/capability_statement.hpp"
#include "gateway/api/route_table.hpp"

namespace gateway::api {

// Registers GET /metadata. Call after every other route is registered (the statement is built
// from the table at the time of the call, and includes /metadata itself implicitly).
void register_metadata_route(route_table& routes, const server_description& server);

}  // namespace gateway::api
