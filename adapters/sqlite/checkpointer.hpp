#pragma once
// Moves the WAL checkpoint off the writer thread while keeping the WAL bounded.
//
// SQLite's auto-checkpoint runs inside the writer's COMMIT: every ~1000 pages the writer copies the
// WAL into the database file and fsyncs it, and the requests of that batch wait for it. Here the
// writer connection has auto-checkpoint off; instead
//   - a background thread with its own connection runs PASSIVE checkpoints whenever the WAL holds
//     `step_pages` frames not yet copied (it never blocks the writer or readers);
//   - when the WAL has grown past `restart_pages` and the background pass is done, the writer, between
//     two batches, runs one PASSIVE checkpoint of the few frames committed since (the "tail"). The
//     WAL is then fully copied, so the writer's next transaction starts it again from the beginning.
//     At 4 x `restart_pages` the tail is due even if the background pass has not finished; the writer
//     then waits for that pass first, so the WAL cannot outgrow the bound however the threads are
//     scheduled.
// A PASSIVE checkpoint from another connection alone could never restart the WAL while the writer
// keeps committing (some frames would always be newer), so the WAL would grow without bound.
// Both connections use synchronous=FULL: the database file is fsync'd before any WAL frame it
// holds can be overwritten.
//
// Thread safety: wal_grew() and tail_due()/finish_tail() are called by the writer thread only; the
// background thread is internal.

#include "adapters/sqlite/connection.hpp"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace gateway::sqlite {

class checkpointer {
 public:
  // db: a read-write connection of its own (nullptr disables the background thread: the writer then
  // does every checkpoint itself at restart_pages).
  checkpointer(std::unique_ptr<connection> db, int step_pages, int restart_pages);
  ~checkpointer();
  checkpointer(const checkpointer&) = delete;
  checkpointer& operator=(const checkpointer&) = delete;

  // The writer committed; the WAL now holds `frames` frames (sqlite3_wal_hook).
  void wal_grew(int frames);
  // Between batches: runs the tail checkpoint on the writer's connection if one is due.
  void run_tail_if_due(connection& writer_db);

 private:
  void run();

  std::unique_ptr<connection> db_;
  const int step_pages_;
  const int restart_pages_;

  std::mutex mutex_;
  std::condition_variable wake_;
  int wal_frames_ = 0;     // WAL size after the last commit
  int backfilled_ = 0;     // frames the last background pass left copied
  bool tail_due_ = false;  // the background is done; the writer finishes and restarts the WAL
  bool stopping_ = false;
  bool running_ = false;                // a background pass holds the checkpoint lock
  std::condition_variable idle_;        // running_ fell to false
  std::atomic<bool> tail_flag_{false};  // tail_due_, readable by the writer without the lock
  std::thread thread_;
};

}  // namespace gateway::sqlite
