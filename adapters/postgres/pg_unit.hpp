#pragma once
// Applies units of work (claims, resource versions, search rows, outbox items, audit records)
// inside the writer's batch transaction. Statements are few per write (each resource version is
// one statement for its history row, current row and search rows) and sent together where they
// do not depend on each other's answers, because each wait for an answer is a round trip.

#include "adapters/postgres/pg_connection.hpp"
#include "gateway/core/store_records.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace gateway::postgres {

struct write_context {
  pg_connection& db;
  std::string now_text;     // the batch's commit time as a FHIR instant
  std::int64_t now_ms = 0;  // the same, in ms since the epoch
};

// Applies the units of one batch transaction, each in its own savepoint (rolled back when the unit
// is rejected). A unit that only creates (intake) goes out as one pipeline: the end of the previous
// unit's savepoint, its own SAVEPOINT, claims, resource writes, outbox items and audit records,
// answered together in one round trip; its creates check for an existing resource on the server
// (ON CONFLICT DO NOTHING). A unit that updates or deletes reads the current rows first (FOR UPDATE),
// statement by statement.
class unit_runner {
 public:
  explicit unit_runner(write_context& ctx) : ctx_(ctx) {}

  // The committed records, or the rejection (identifier_taken, version_conflict, already_exists,
  // not_found, invalid_request), or unavailable when one of its statements failed. Throws
  // pg_error when the connection or the transaction is lost.
  gateway::core::commit_outcome apply(gateway::core::unit_of_work& work);
  // Ends the last unit's savepoint; call before COMMIT.
  void finish();

 private:
  gateway::core::commit_outcome apply_in_pipeline(gateway::core::unit_of_work& work);
  gateway::core::commit_outcome apply_one_by_one(gateway::core::unit_of_work& work);
  void flush();

  write_context& ctx_;
  std::vector<const char*> pending_;  // the previous unit's savepoint end, not yet sent
};
}  // namespace gateway::postgres
