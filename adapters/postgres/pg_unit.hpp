#pragma once
// Applies one unit_of_work (claims, resource versions, search rows, outbox items, audit records)
// inside the writer's batch transaction, in its own savepoint (the writer rolls the savepoint
// back when the unit is rejected). Statements are few per write (one lookup, then one statement
// for the history row, the current row and the search rows) because each is a round trip.

#include "adapters/postgres/pg_connection.hpp"
#include "gateway/core/store_records.hpp"

#include <cstdint>
#include <string>

namespace gateway::postgres {

struct write_context {
  pg_connection& db;
  std::string now_text;     // the batch's commit time as a FHIR instant
  std::int64_t now_ms = 0;  // the same, in ms since the epoch
};

// The committed records, or the rejection (identifier_taken, version_conflict, already_exists,
// not_found, invalid_request). Throws pg_error when storage fails.
gateway::core::commit_outcome apply_unit(write_context& ctx, gateway::core::unit_of_work& work);

}  // namespace gateway::postgres
