#pragma once
// Reads on a reader connection: single resources, versions, history, identifier claims, FHIR
// search and audit search. Throw pg_error when storage fails (the reader turns it into
// `unavailable`).

#include "adapters/postgres/pg_connection.hpp"
#include "gateway/core/store_query.hpp"

#include <cstdint>
#include <string>

namespace gateway::postgres {

gateway::core::read_outcome read_current(pg_connection& db, const std::string& type, const std::string& id);
gateway::core::read_outcome read_version(pg_connection& db, const std::string& type, const std::string& id,
                                         std::int64_t version);
gateway::core::history_outcome read_history(pg_connection& db, const std::string& type, const std::string& id,
                                            std::size_t count);
gateway::core::claim_lookup_outcome read_claim(pg_connection& db, const std::string& owner_org,
                                               const std::string& system, const std::string& value);
// The total and the page in one REPEATABLE READ transaction, so both see the same snapshot.
gateway::core::search_outcome run_search(pg_connection& db, const gateway::core::search_query& query);
gateway::core::audit_outcome run_audit_search(pg_connection& db, const gateway::core::audit_query& query);

}  // namespace gateway::postgres
