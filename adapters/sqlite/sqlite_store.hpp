#pragma once
// The embedded default store: gateway::core::store on one SQLite file.
//
// WAL, synchronous=FULL (fsync at every commit), one writer thread doing group commit (all waiting
// requests, up to max_batch, in one transaction; each in its own savepoint, so a conflict rolls
// back only its unit), and read_connections reader threads. See gateway/core/store.hpp for what
// every operation guarantees.
//
// Thread safety: all members may be called from any thread. Callbacks run on the writer thread
// (commit, outbox changes) or a reader thread (everything else), never on the caller's, and must
// not block. Destruction answers everything already queued, then joins the threads; do not call
// the store concurrently with its destruction.

#include "adapters/sql_store/store_counters.hpp"
#include "adapters/sqlite/sqlite_options.hpp"
#include "gateway/core/store.hpp"

#include <boost/system/result.hpp>

#include <memory>
#include <string>

namespace gateway::sqlite {

class writer;
class reader_pool;

// Why the store could not open: `code` is store_errc::unavailable; `message` is for the operator
// (bad path, not a database, locked, read-only, schema too new).
struct open_error {
  boost::system::error_code code;
  std::string message;
};

[[noreturn]] void throw_exception_from_error(const open_error& e, const boost::source_location& loc);

class sqlite_store final : public gateway::core::store {
 public:
  // Opens (creating if missing, mode 0600) and migrates the database, then starts the threads. A
  // database file (or its -wal, -shm) that others may access loses those permissions. Never throws.
  static boost::system::result<std::unique_ptr<sqlite_store>, open_error> open(const sqlite_options& options);

  ~sqlite_store() override;

  void commit(gateway::core::unit_of_work work,
              gateway::core::store_callback<gateway::core::commit_outcome> done) override;
  void read(std::string type, std::string id, gateway::core::store_callback<gateway::core::read_outcome> done) override;
  void vread(std::string type, std::string id, std::int64_t version,
             gateway::core::store_callback<gateway::core::read_outcome> done) override;
  void history(std::string type, std::string id, std::size_t count,
               gateway::core::store_callback<gateway::core::history_outcome> done) override;
  void search(gateway::core::search_query query,
              gateway::core::store_callback<gateway::core::search_outcome> done) override;
  void find_claim(std::string owner_org, std::string system, std::string value,
                  gateway::core::store_callback<gateway::core::claim_lookup_outcome> done) override;
  void search_audit(gateway::core::audit_query query,
                    gateway::core::store_callback<gateway::core::audit_outcome> done) override;
  gateway::core::store_metrics metrics() const override;

  void fetch_due(time_point now, std::size_t limit, std::chrono::milliseconds lease,
                 const gateway::core::outbox_fetch_scope& scope,
                 gateway::core::store_callback<gateway::core::outbox_entries_outcome> done) override;
  void mark_delivered(std::string id, time_point at,
                      gateway::core::store_callback<boost::system::error_code> done) override;
  void record_results(std::vector<core::outbox_result> results,
                      core::store_callback<std::vector<boost::system::error_code>> done) override;
  void mark_failed(std::string id, time_point next_attempt_at, std::string error,
                   gateway::core::store_callback<boost::system::error_code> done) override;
  void park_dead(std::string id, std::string error,
                 gateway::core::store_callback<boost::system::error_code> done) override;
  void requeue(std::string id, time_point at, gateway::core::store_callback<boost::system::error_code> done) override;
  void requeue_all_dead(time_point at,
                        gateway::core::store_callback<boost::system::result<std::int64_t>> done) override;
  void release_leases(gateway::core::store_callback<boost::system::error_code> done) override;
  void list_outbox(gateway::core::outbox_list_query query,
                   gateway::core::store_callback<gateway::core::outbox_entries_outcome> done) override;
  void show_outbox(std::string id, gateway::core::store_callback<gateway::core::outbox_entry_outcome> done) override;
  void outbox_counts(gateway::core::store_callback<gateway::core::outbox_stats_outcome> done) override;
  void on_outbox_ready(std::function<void()> notify) override;

  void purge_expired(gateway::core::purge_request request,
                     gateway::core::store_callback<gateway::core::purge_outcome> done) override;

  void pathway_facts(gateway::core::pathway_window window,
                     gateway::core::store_callback<gateway::core::pathway_outcome> done) override;

 private:
  sqlite_store() = default;

  sql_store::store_counters counters_;
  std::unique_ptr<writer> writer_;
  std::unique_ptr<reader_pool> readers_;
};

}  // namespace gateway::sqlite
