#pragma once
// Retention on the storage port: deleting what the gateway no longer needs to keep, in bounded
// batches, so a purge never holds the store's writer for long. Every engine implements the same
// contract (adapters/sqlite/retention_sql.cpp, adapters/postgres/pg_retention.cpp; the contract
// tests are tests/unit/store/store_retention_test.cpp, on both engines).
//
// Contract of purge_expired:
// - In one transaction, deletes at most `max_rows` rows in total: outbox items in state delivered
//   whose delivered_at is before `delivered_before` (oldest first; their payloads go with them),
//   then, with what is left of the budget, audit records recorded before `audit_before` (oldest
//   first). Pending and dead outbox items are never deleted, however old. Resources, their history
//   and identifier claims are not touched.
// - Deleted content is not left readable in the store's free space where the engine can avoid it
//   (SQLite: secure_delete for the purge; PostgreSQL keeps dead rows until VACUUM reuses their
//   space, which is the database's own housekeeping).
// - `more` is true when the call used its whole budget (rows may remain: call again); false when
//   it found fewer.
// - Durable before answered, like every write; on a storage failure it answers unavailable and
//   deletes nothing. The store may answer too_busy when its queue is full (try later).
//
// Thread safety: as the rest of the port; the callback runs on a store thread.

#include "gateway/core/store_callback.hpp"

#include <boost/system/result.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace gateway::core {

struct purge_request {
  std::chrono::system_clock::time_point delivered_before;
  std::chrono::system_clock::time_point audit_before;
  std::size_t max_rows = 500;
};

struct purge_result {
  std::int64_t outbox_deleted = 0;
  std::int64_t audit_deleted = 0;
  bool more = false;
};

using purge_outcome = boost::system::result<purge_result>;

class retention_store {
 public:
  virtual ~retention_store() = default;
  virtual void purge_expired(purge_request request, store_callback<purge_outcome> done) = 0;
};

}  // namespace gateway::core
