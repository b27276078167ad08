#pragma once
// The operations page's JSON endpoints (issue 15), under /ops on the mutual-TLS listener for
// callers of role operator or platform (ops_gate.hpp: a referrer gets 403, every request is
// audited). Aggregates only, never a patient identifier (core/pathway_report.hpp):
//   GET /pathway?from=&to=                every table, JSON (the page's one call per refresh)
//   GET /pathway/{table}?from=&to=&format=json|csv   one table; csv downloads as a file
// Tables: referrals_per_week, waiting_times, not_yet_accepted, task_status, outbox, feedback,
// outcomes. Query errors answer 400 with an OperationOutcome naming the parameter
// (pathway_query.hpp); an unknown table 404; the store's refusals 429/503.
#include <chrono>

#include "gateway/api/ops_route_table.hpp"

namespace gateway::core {
class pathway_store;
}

namespace gateway::api {

// `store` must outlive the listener's last request. `urgent_accept` is the service level of
// urgent referrals (triage.urgent_accept; 0 = none).
void register_pathway_routes(ops_route_table& ops, core::pathway_store& store, std::chrono::milliseconds urgent_accept);

}  // namespace gateway::api
