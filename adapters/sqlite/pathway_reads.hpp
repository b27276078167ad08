#pragma once
// The pathway facts (gateway/core/store_pathway.hpp) on a SQLite reader connection: the shared
// statements (adapters/sql_store/pathway_sql.hpp) in one read transaction, so every list is the
// same snapshot.

#include "adapters/sqlite/connection.hpp"
#include "gateway/core/store_pathway.hpp"

namespace gateway::sqlite {

gateway::core::pathway_outcome read_pathway(connection& db, const gateway::core::pathway_window& window);

}  // namespace gateway::sqlite
