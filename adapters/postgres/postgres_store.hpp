#pragma once
// gateway::core::store on PostgreSQL (libpq, blocking connections on the store's own threads):
// the shared store of several gateway instances. Connections, per instance: one writer (group
// commit), `read_connections` readers, one outbox worker (the dispatcher's state changes) and one
// listener (LISTEN rg_outbox) — a bound of read_connections + 3.
//
// The port's guarantees hold across instances sharing one database (see store.hpp,
// store_outbox.hpp): identifier claims are a primary key; write batches take turns on the
// store_clock row, so commit times never go backwards and write order is commit order; outbox
// items are leased with FOR UPDATE SKIP LOCKED under this instance's name, only the head of each
// ordering key, and a dead instance's leases run out and are taken over.
//
// Thread safety: as store.hpp. Destruction answers everything queued, then joins the threads.

#include "adapters/postgres/postgres_options.hpp"
#include "adapters/sql_store/store_counters.hpp"
#include "gateway/core/store.hpp"

#include <boost/system/result.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace gateway::postgres {

class pg_connection;
class pg_writer;
class pg_pool;
class pg_listener;

// Why the store could not open (cannot connect, migration failed, schema too new); `message` is
// for the operator and never carries a password.
struct open_error {
  boost::system::error_code code;
  std::string message;
};

[[noreturn]] void throw_exception_from_error(const open_error& e, const boost::source_location& loc);

class postgres_store final : public gateway::core::store {
 public:
  // Connects, migrates (under an advisory lock) and starts the threads. Never throws.
  static boost::system::result<std::unique_ptr<postgres_store>, open_error> open(const postgres_options& options);

  ~postgres_store() override;

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
  explicit postgres_store(postgres_options options);
  // An outbox state change on the outbox worker; `wakes`: the local dispatcher may have work after it.
  template <class Result>
  void outbox_job(std::function<Result(pg_connection&)> body, gateway::core::store_callback<Result> done, bool wakes);
  void wake_outbox();

  postgres_options options_;
  sql_store::store_counters counters_;
  std::mutex notify_mutex_;
  std::function<void()> notify_;
  std::unique_ptr<pg_writer> writer_;
  std::unique_ptr<pg_pool> readers_;
  std::unique_ptr<pg_pool> outbox_worker_;
  std::unique_ptr<pg_listener> listener_;
};

}  // namespace gateway::postgres
