#pragma once
// The storage port: everything the core and the API layer need from durable storage, with no
// SQL and no I/O library in sight, so SQLite (adapters/sqlite) and PostgreSQL (adapters/postgres)
// implement it without touching the core; tests/unit/store runs one contract suite on both.
//
// Guarantees every adapter gives:
// - commit() applies a unit_of_work atomically: all writes, claims, outbox items and audits, or
//   nothing. Its callback runs only after the transaction is durable (fsync'd); a storage failure
//   answers unavailable and never acknowledges a write that was not made durable.
// - The store assigns version numbers and last_updated at commit, and patches `id`,
//   `meta.versionId` and `meta.lastUpdated` into the stored JSON (the caller leaves them out or
//   gets them overwritten). last_updated never goes backwards across commits.
// - Identifier claims are unique per (owner_org, system, value), also between units committed
//   concurrently: of 50 identical creates exactly one succeeds and 49 get identifier_taken with
//   the holder's type/id.
// - Search index entries and owner_org belong to the current version only; history keeps every
//   version's JSON.
//
// Thread safety: every member may be called from any thread, concurrently. Nothing runs on the
// caller's thread: callbacks run on the store's own threads (writer or reader), exactly once,
// and must neither block nor throw (post the result to your executor). Over its queue bound the store answers too_busy
// at once, without queueing.

#include "gateway/core/store_callback.hpp"
#include "gateway/core/store_errc.hpp"
#include "gateway/core/store_outbox.hpp"
#include "gateway/core/store_pathway.hpp"
#include "gateway/core/store_query.hpp"
#include "gateway/core/store_records.hpp"
#include "gateway/core/store_retention.hpp"

#include <cstdint>
#include <string>

namespace gateway::core {

// Counters for /metrics; monotonic unless named as a gauge.
struct store_metrics {
  std::uint64_t transactions_committed = 0;  // batches made durable (one fsync each)
  std::uint64_t transactions_failed = 0;     // batches whose COMMIT failed (all units unavailable)
  std::uint64_t units_committed = 0;
  std::uint64_t units_rejected = 0;  // conflicts, claims taken, invalid requests
  std::uint64_t too_busy = 0;        // requests refused at the queue bound
  std::uint64_t largest_batch = 0;
  std::uint64_t write_queue_depth = 0;  // gauge
  std::uint64_t read_queue_depth = 0;   // gauge
  bool available = true;                // gauge: false while the last attempt to reach the storage failed (readiness)
  // gauge: transactions failed since the last one that committed (0 = the latest committed).
  // Storage health now, for readiness: the outbox dispatcher's idle poll commits about once a
  // second, so recovery shows without client traffic.
  std::uint64_t consecutive_failures = 0;
};

class store : public outbox_store, public retention_store, public pathway_store {
 public:
  virtual ~store() = default;

  virtual void commit(unit_of_work work, store_callback<commit_outcome> done) = 0;

  // Current version. not_found if none, gone if the current version is a delete.
  virtual void read(std::string type, std::string id, store_callback<read_outcome> done) = 0;
  // One version. not_found if no such version, gone if that version is a delete.
  virtual void vread(std::string type, std::string id, std::int64_t version, store_callback<read_outcome> done) = 0;
  // Up to `count` versions, newest first, tombstones included (deleted = true). not_found if none.
  virtual void history(std::string type, std::string id, std::size_t count, store_callback<history_outcome> done) = 0;
  // Current, non-deleted resources matching every criterion; see store_query.hpp for paging.
  // invalid_request for a cursor that does not belong to this query's sort.
  virtual void search(search_query query, store_callback<search_outcome> done) = 0;
  // Who holds an identifier claim (If-None-Exist, repeat create); nullopt if unclaimed.
  virtual void find_claim(std::string owner_org, std::string system, std::string value,
                          store_callback<claim_lookup_outcome> done) = 0;
  virtual void search_audit(audit_query query, store_callback<audit_outcome> done) = 0;

  // Snapshot of the counters; cheap, any thread.
  virtual store_metrics metrics() const = 0;
};

}  // namespace gateway::core
