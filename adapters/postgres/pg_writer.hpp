#pragma once
// The group-commit writer on PostgreSQL: one thread owning one connection. It takes every waiting
// unit of work (up to max_batch) and commits them in one transaction, each unit in its own
// SAVEPOINT so a rejected unit rolls back alone; every unit is answered only after COMMIT returned
// (synchronous_commit=on: the WAL is flushed). If COMMIT or the connection fails, every unit of the
// batch is answered `unavailable` (it may or may not be on disk; none is acknowledged).
//
// Each batch first updates the single store_clock row: the batch's commit time, never behind the
// last one, and a row lock that makes write batches of all instances take turns. Write order is
// then commit order everywhere, which keyset paging and outbox order per key rely on. Batches
// carrying outbox items NOTIFY rg_outbox, so idle dispatchers of every instance wake.
//
// Thread safety: submit() from any thread; units are answered on the writer thread.

#include "adapters/postgres/pg_pool.hpp"
#include "gateway/core/store_callback.hpp"
#include "gateway/core/store_records.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace gateway::postgres {

inline constexpr const char* outbox_channel = "rg_outbox";

class pg_writer {
 public:
  pg_writer(connection_factory connect, std::size_t max_batch, std::size_t max_queue,
            sql_store::store_counters& counters);
  // Finishes every queued unit, then stops.
  ~pg_writer();
  pg_writer(const pg_writer&) = delete;
  pg_writer& operator=(const pg_writer&) = delete;

  // Over max_queue the unit is answered too_busy (on the writer thread).
  void submit(gateway::core::unit_of_work work, gateway::core::store_callback<gateway::core::commit_outcome> done);
  // Called on the writer thread after a batch that added outbox items, before its units are answered.
  void on_outbox_ready(std::function<void()> notify);

 private:
  struct pending {
    gateway::core::unit_of_work work;
    gateway::core::store_callback<gateway::core::commit_outcome> done;
  };
  void run();
  void run_batch(std::vector<pending>& batch);
  void fail_all(std::vector<pending>& batch, const std::string& why);

  connection_slot slot_;
  const std::size_t max_batch_;
  const std::size_t max_queue_;
  sql_store::store_counters& counters_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<pending> queue_;
  std::vector<pending> refused_;
  std::function<void()> outbox_notify_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after everything above is ready
};

}  // namespace gateway::postgres
