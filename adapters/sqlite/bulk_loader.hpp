#pragma once
// The SQLite store's bulk path: many units of work written into a database that no gateway has
// open, in large transactions, by the same row-writing code as store::commit (commit_job.cpp):
// the same resource versions, search keys, identifier claims, outbox items and audit records, so
// a store filled this way reads, searches and updates like one filled request by request. For
// `gatewayctl preload` (scale benchmarks); not a way to load clinical data.
//
// What differs from store::commit, and why it is safe for its use:
// - one transaction per `batch` units, no savepoint per unit: a unit the store would reject (a
//   claim taken, an id reused) fails the load, and that transaction is rolled back;
// - synchronous=OFF while loading, then one checkpoint with synchronous=FULL in finish(): a crash
//   mid-load leaves a database to throw away, never a half-durable one that was reported done;
// - the commit time of each unit is the caller's (non-decreasing, not in the future), so stored
//   data can span months; the gateway's next commit starts after the latest one.
// It refuses a database that already holds resources, outbox items or audit records unless told
// (`allow_existing`), so it cannot be pointed at a live store by mistake.
//
// Thread safety: one thread; the database must not be open in a gateway meanwhile.

#include "adapters/sqlite/sqlite_store.hpp"
#include "gateway/core/store_records.hpp"

#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace gateway::sqlite {

class connection;

struct bulk_options {
  std::string path;
  std::size_t batch = 20000;    // units per transaction
  bool allow_existing = false;  // add to a database that already holds data
};

class bulk_loader {
 public:
  using time_point = std::chrono::system_clock::time_point;

  // Opens (creating if missing, 0600) and migrates like sqlite_store::open. Refuses a database
  // with data unless allow_existing; the message says what it holds.
  static boost::system::result<std::unique_ptr<bulk_loader>, open_error> open(const bulk_options& options);
  ~bulk_loader();
  bulk_loader(const bulk_loader&) = delete;
  bulk_loader& operator=(const bulk_loader&) = delete;

  // Writes one unit committed at `at` (not before the previous unit's time). With
  // `delivered_at`, its outbox items are then marked delivered at that time (outbox history)
  // by the dispatcher's own statement. Returns what was written (versions, times), or why the
  // unit was refused, as store::commit would answer; a refusal or a storage error rolls back the
  // open transaction (its units are lost) and the loader must not be used further.
  gateway::core::commit_outcome add(gateway::core::unit_of_work work, time_point at,
                                    std::optional<time_point> delivered_at = std::nullopt);

  // Commits what is open, checkpoints the WAL into the database file with fsync, and closes.
  // Empty on success, else the error.
  std::string finish();

 private:
  bulk_loader(std::unique_ptr<connection> db, std::size_t batch, std::int64_t last_ms);
  gateway::core::commit_outcome failed(const std::string& why);

  std::unique_ptr<connection> db_;
  std::size_t batch_;
  std::size_t in_transaction_ = 0;
  std::int64_t last_ms_;
  bool broken_ = false;
};

}  // namespace gateway::sqlite
