#include "adapters/sqlite/checkpointer.hpp"

#include <algorithm>

namespace gateway::sqlite {

checkpointer::checkpointer(std::unique_ptr<connection> db, int step_pages, int restart_pages)
    : db_(std::move(db)), step_pages_(std::max(1, step_pages)), restart_pages_(std::max(1, restart_pages)) {
  if (db_) thread_ = std::thread([this] { run(); });
}

checkpointer::~checkpointer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void checkpointer::wal_grew(int frames) {
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (frames < wal_frames_) backfilled_ = 0;  // the WAL restarted
    wal_frames_ = frames;
    if (!db_) {
      if (frames >= restart_pages_ && !tail_due_) {
        tail_due_ = true;
        tail_flag_.store(true, std::memory_order_relaxed);
      }
    } else {
      wake = !tail_due_ && frames - backfilled_ >= step_pages_;
      // Safety bound: if the background cannot keep up (or keeps failing), the writer takes over.
      if (frames >= 4 * restart_pages_ && !tail_due_) {
        tail_due_ = true;
        tail_flag_.store(true, std::memory_order_relaxed);
      }
    }
  }
  if (wake) wake_.notify_one();
}

void checkpointer::run_tail_if_due(connection& writer_db) {
  if (!tail_flag_.load(std::memory_order_relaxed)) return;
  // A background pass still running (the safety bound was reached while it copied) holds the
  // checkpoint lock, so the tail would fail and the WAL keep growing for as long as that thread is
  // not scheduled. Waiting for it here (no new pass starts while the tail is due) is what makes the
  // bound hard; the writer waits only at the bound.
  {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] { return !running_; });
  }
  // Copies what the background pass left (frames committed while it ran); a failure (a reader still
  // on an old snapshot, I/O) only means the WAL restarts later.
  int log = 0, done = 0;
  sqlite3_wal_checkpoint_v2(writer_db.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
  {
    std::lock_guard lock(mutex_);
    tail_due_ = false;
    tail_flag_.store(false, std::memory_order_relaxed);
    backfilled_ = done;
  }
  wake_.notify_one();
}

void checkpointer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || (!tail_due_ && wal_frames_ - backfilled_ >= step_pages_); });
    if (stopping_) return;
    running_ = true;
    lock.unlock();
    int log = 0, done = 0;
    const int rc = sqlite3_wal_checkpoint_v2(db_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
    lock.lock();
    running_ = false;
    idle_.notify_all();
    if (rc != SQLITE_OK) {
      // Busy (the writer's tail) or an I/O error: try again after the next commit.
      backfilled_ = wal_frames_;
      continue;
    }
    backfilled_ = done;
    if (log >= restart_pages_) {
      tail_due_ = true;
      tail_flag_.store(true, std::memory_order_relaxed);
    }
  }
}

}  // namespace gateway::sqlite
