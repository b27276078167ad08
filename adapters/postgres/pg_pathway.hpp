#pragma once
// The pathway facts (gateway/core/store_pathway.hpp) on a PostgreSQL reader connection: the
// shared statements (adapters/sql_store/pathway_sql.hpp) in one REPEATABLE READ, READ ONLY
// transaction, so every list is the same snapshot.

#include "adapters/postgres/pg_connection.hpp"
#include "gateway/core/store_pathway.hpp"

namespace gateway::postgres {

gateway::core::pathway_outcome read_pathway(pg_connection& db, const gateway::core::pathway_window& window);

}  // namespace gateway::postgres
