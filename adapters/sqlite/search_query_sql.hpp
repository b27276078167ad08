#pragma once
// FHIR search over the resources table: criteria as index lookups, owner scope, _lastUpdated
// bounds, sort keys, and keyset paging. The cursor names the last row of the previous page by its
// sort values and write sequence, so rows arriving between pages never shift a page.

#include "adapters/sqlite/connection.hpp"
#include "gateway/core/store_query.hpp"

namespace gateway::sqlite {

// Runs the page query (and the total) in one read transaction, so both see the same snapshot.
gateway::core::search_outcome run_search(connection& db, const gateway::core::search_query& query);

// Audit records by entity, caller organisation and time; paged by sequence.
gateway::core::audit_outcome run_audit_search(connection& db, const gateway::core::audit_query& query);

}  // namespace gateway::sqlite
