#pragma once
// POST to the FHIR base (`/fhir` or `/fhir/`) with a Bundle:
//   - `transaction`: one referral with its resources, all or nothing (bundle_transaction.cpp);
//   - `batch`: each entry on its own, through the route table (bundle_batch.cpp);
//   - any other type: 400 naming Bundle.type.
// One route, registered as the transaction interaction that also provides batch, so the
// CapabilityStatement lists both.
#include "gateway/api/app_context.hpp"
#include "gateway/api/route_table.hpp"

namespace gateway::api {

// `routes` is where batch entries are dispatched: the table being filled, complete (and
// immutable) by the time requests arrive.
void register_bundle_route(route_table& routes, const app_context& context);

}  // namespace gateway::api
