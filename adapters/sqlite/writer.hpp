#pragma once
// The single writer: one thread owning the read-write connection. It takes every waiting job (up
// to max_batch) and commits them in one transaction, so one fsync serves the whole batch; while it
// waits for the disk, the next batch gathers.
//
// Thread safety: submit() from any thread. Jobs are answered on the writer thread.

#include "adapters/sql_store/store_counters.hpp"
#include "adapters/sqlite/checkpointer.hpp"
#include "adapters/sqlite/connection.hpp"
#include "adapters/sqlite/write_job.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace gateway::sqlite {

class writer {
 public:
  // last_ms: the latest commit time already on disk, so times never go backwards across restarts.
  // checkpoints: takes over the WAL checkpoint (auto-checkpoint is turned off on db).
  writer(std::unique_ptr<connection> db, std::size_t max_batch, std::size_t max_queue, std::int64_t last_ms,
         sql_store::store_counters& counters, std::unique_ptr<checkpointer> checkpoints);
  // Finishes every queued job, then stops.
  ~writer();
  writer(const writer&) = delete;
  writer& operator=(const writer&) = delete;

  // bounded: refuse with too_busy (answered on the writer thread) when max_queue jobs wait.
  // Dispatcher bookkeeping passes bounded = false: its volume is bounded by the dispatcher.
  void submit(std::unique_ptr<write_job> job, bool bounded);
  // Called on the writer thread after a batch that may have made outbox items eligible.
  void on_outbox_ready(std::function<void()> notify);

 private:
  void run();
  enum class unit_status : char { applied, rejected, storage_failed };
  void run_batch(std::vector<std::unique_ptr<write_job>>& jobs);
  struct batch_state {  // what the passes over one batch decided
    std::vector<unit_status> statuses;
    std::vector<std::string> errors;
    std::string fatal;  // the storage failed: every unit fails with this
    bool probing = false;
    std::int64_t changes_before = 0;
  };
  bool apply_pass(batch_state& b, std::vector<std::unique_ptr<write_job>>& jobs, write_context& ctx, bool savepoints);
  void fail_all(std::vector<std::unique_ptr<write_job>>& jobs, const std::string& why);
  write_context next_context();

  std::unique_ptr<connection> db_;
  std::unique_ptr<checkpointer> checkpoints_;
  const std::size_t max_batch_;
  const std::size_t max_queue_;
  std::int64_t last_ms_;
  sql_store::store_counters& counters_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<write_job>> queue_;
  std::vector<std::unique_ptr<write_job>> refused_;  // answered too_busy by the writer thread
  std::function<void()> outbox_notify_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after everything above is ready
};

}  // namespace gateway::sqlite
