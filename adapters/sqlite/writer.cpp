#include "adapters/sqlite/writer.hpp"

#include "adapters/sqlite/schema.hpp"
#include "gateway/core/store_time.hpp"

#include <algorithm>
#include <chrono>

namespace gateway::sqlite {

using gateway::core::store_errc;

namespace {
int on_wal_commit(void* ckpt, sqlite3*, const char*, int frames) {
  static_cast<checkpointer*>(ckpt)->wal_grew(frames);
  return SQLITE_OK;
}
}  // namespace

writer::writer(std::unique_ptr<connection> db, std::size_t max_batch, std::size_t max_queue, std::int64_t last_ms,
               sql_store::store_counters& counters, std::unique_ptr<checkpointer> checkpoints)
    : db_(std::move(db)),
      checkpoints_(std::move(checkpoints)),
      max_batch_(std::max<std::size_t>(1, max_batch)),
      max_queue_(max_queue),
      last_ms_(last_ms),
      counters_(counters),
      thread_([this] {
        // The hook replaces SQLite's auto-checkpoint (itself a WAL hook) on this connection.
        sqlite3_wal_autocheckpoint(db_->handle(), 0);
        sqlite3_wal_hook(db_->handle(), on_wal_commit, checkpoints_.get());
        run();
      }) {}

writer::~writer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void writer::submit(std::unique_ptr<write_job> job, bool bounded) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      refused_.push_back(std::move(job));  // unreachable in practice: the owner is being destroyed
    } else if (bounded && queue_.size() >= max_queue_) {
      counters_.too_busy.fetch_add(1, std::memory_order_relaxed);
      refused_.push_back(std::move(job));
    } else {
      queue_.push_back(std::move(job));
      counters_.write_queue_depth.store(queue_.size(), std::memory_order_relaxed);
    }
  }
  wake_.notify_one();
}

void writer::on_outbox_ready(std::function<void()> notify) {
  std::lock_guard lock(mutex_);
  outbox_notify_ = std::move(notify);
}

void writer::run() {
  std::vector<std::unique_ptr<write_job>> batch;
  std::vector<std::unique_ptr<write_job>> refused;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty() || !refused_.empty(); });
      if (queue_.empty() && refused_.empty() && stopping_) return;
      const std::size_t n = std::min(max_batch_, queue_.size());
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      refused.swap(refused_);
      counters_.write_queue_depth.store(queue_.size(), std::memory_order_relaxed);
    }
    for (auto& job : refused) job->fail(store_errc::too_busy, "write queue full");
    refused.clear();
    if (!batch.empty()) run_batch(batch);
    batch.clear();
    checkpoints_->run_tail_if_due(*db_);
  }
}

write_context writer::next_context() {
  using namespace std::chrono;
  // Commit times never go backwards, even if the wall clock does: keyset paging relies on new
  // rows sorting after old ones.
  const auto now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  last_ms_ = std::max<std::int64_t>(last_ms_, now);
  return write_context{*db_, gateway::core::format_store_instant(system_clock::time_point(milliseconds(last_ms_))),
                       last_ms_};
}

void writer::fail_all(std::vector<std::unique_ptr<write_job>>& jobs, const std::string& why) {
  counters_.transactions_failed.fetch_add(1, std::memory_order_relaxed);
  counters_.note_transaction(false);
  for (auto& job : jobs) job->fail(store_errc::unavailable, why);
}

// One pass over a batch inside BEGIN IMMEDIATE, left open for the caller's COMMIT. With
// savepoints each unit has its own and a rejected or failing unit is rolled back alone. Without,
// the first unit not applied ends the pass: the transaction is rolled back and false answered (the
// caller applies the batch again with savepoints). A storage failure rolls back, sets b.fatal and
// answers false.
bool writer::apply_pass(batch_state& b, std::vector<std::unique_ptr<write_job>>& jobs, write_context& ctx,
                        bool savepoints) {
  connection& db = *db_;
  const auto abandon = [&db, &b](std::string why) {
    b.fatal = std::move(why);
    db.try_exec("ROLLBACK");
    return false;
  };
  if (const int rc = db.try_exec("BEGIN IMMEDIATE"); rc != SQLITE_OK) {
    b.fatal = describe(db.handle(), rc, "begin");
    return false;
  }
  if (b.probing) {
    const std::string probe = "PRAGMA user_version=" + std::to_string(latest_schema_version());
    if (const int rc = db.try_exec(probe.c_str()); rc != SQLITE_OK)
      return abandon(describe(db.handle(), rc, "health probe"));
  }
  b.changes_before = sqlite3_total_changes64(db.handle());
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    if (savepoints) {
      if (const int rc = db.try_run_cached("SAVEPOINT unit"); rc != SQLITE_OK)
        return abandon(describe(db.handle(), rc, "savepoint"));
    }
    b.errors[i].clear();
    try {
      b.statuses[i] = jobs[i]->apply(ctx) ? unit_status::applied : unit_status::rejected;
    } catch (const std::exception& e) {
      b.statuses[i] = unit_status::storage_failed;
      b.errors[i] = e.what();
    }
    db.reset_busy();
    // Disk full or I/O errors may make SQLite roll back the whole transaction; then nothing of
    // this batch is on disk and every unit must hear so.
    if (!db.in_transaction()) return abandon(b.errors[i].empty() ? "transaction rolled back by storage" : b.errors[i]);
    const bool keep = b.statuses[i] == unit_status::applied;
    if (!savepoints) {
      if (keep) continue;
      if (const int rc = db.try_exec("ROLLBACK"); rc != SQLITE_OK) b.fatal = describe(db.handle(), rc, "rollback");
      return false;  // applied again with savepoints
    }
    int rc = keep ? SQLITE_OK : db.try_run_cached("ROLLBACK TO unit");
    if (rc == SQLITE_OK) rc = db.try_run_cached("RELEASE unit");
    if (rc != SQLITE_OK) return abandon(describe(db.handle(), rc, "savepoint"));
  }
  return true;
}

void writer::run_batch(std::vector<std::unique_ptr<write_job>>& jobs) {
  batch_state b;
  b.statuses.assign(jobs.size(), unit_status::applied);
  b.errors.resize(jobs.size());
  // After a failed transaction, health is known again only from one that really wrote (an
  // empty one commits without touching the WAL): rewriting the header's user_version makes this
  // batch write and sync a page whatever its jobs do.
  b.probing = counters_.consecutive_failures.load(std::memory_order_relaxed) > 0;
  write_context ctx = next_context();
  connection& db = *db_;
  // Most batches have no rejected unit, so each is first applied without savepoints: a unit in a
  // savepoint has SQLite copy every existing page it changes into the statement journal (about 70
  // page copies per referral, a tenth of the writer's instructions). The first unit rejected or
  // failing ends that pass: it is rolled back whole and the batch applied again, each unit in its
  // own savepoint, so what commits is what always did.
  if (!apply_pass(b, jobs, ctx, false)) {
    if (!b.fatal.empty()) return fail_all(jobs, b.fatal);
    if (!apply_pass(b, jobs, ctx, true)) return fail_all(jobs, b.fatal);
  }

  if (const int rc = db.try_exec("COMMIT"); rc != SQLITE_OK) {
    const std::string why = describe(db.handle(), rc, "commit");
    db.try_exec("ROLLBACK");
    return fail_all(jobs, why);
  }

  // Durable: only now does anyone hear about this batch.
  counters_.transactions_committed.fetch_add(1, std::memory_order_relaxed);
  if (b.probing || sqlite3_total_changes64(db.handle()) != b.changes_before) counters_.note_transaction(true);
  counters_.note_batch(jobs.size());
  // Wake the dispatcher before answering, so whoever hears "committed" can rely on it being woken.
  bool wake_outbox = false;
  for (std::size_t i = 0; i < jobs.size(); ++i)
    wake_outbox = wake_outbox || (b.statuses[i] == unit_status::applied && jobs[i]->wakes_outbox());
  if (wake_outbox) {
    std::function<void()> notify;
    {
      std::lock_guard lock(mutex_);
      notify = outbox_notify_;
    }
    if (notify) notify();
  }
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    switch (b.statuses[i]) {
      case unit_status::applied:
        counters_.units_committed.fetch_add(1, std::memory_order_relaxed);
        jobs[i]->succeed();
        break;
      case unit_status::rejected:
        counters_.units_rejected.fetch_add(1, std::memory_order_relaxed);
        jobs[i]->succeed();
        break;
      case unit_status::storage_failed:
        jobs[i]->fail(store_errc::unavailable, b.errors[i]);
        break;
    }
  }
}

}  // namespace gateway::sqlite
