#pragma once
// The retention purger: on its own thread, at start and then every `interval`, asks the store to
// delete what has expired (delivered outbox items older than the outbox period, audit records
// older than the audit period; see core/store_retention.hpp for what is never deleted). It sends
// one bounded batch at a time and waits for its answer before the next, so the store's writer
// serves other work between batches. The clock is injected so tests move time instead of waiting.
//
// Thread safety: construct, start and stop from one thread. purge_now() runs one pass on the
// caller's thread; do not call it while the purger's own thread runs.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "gateway/core/store_retention.hpp"

namespace gateway::retention {

using time_point = std::chrono::system_clock::time_point;

struct retention_policy {
  std::chrono::hours outbox_delivered{24 * 30};  // delivered items older than this are purged
  std::chrono::hours audit{24 * 2922};           // audit records older than this are purged
  std::size_t batch_rows = 500;                  // rows per store transaction
  std::chrono::milliseconds interval{600'000};   // between passes
};

// The store request for a pass at `now`: what expired before now minus each period.
core::purge_request purge_cutoffs(const retention_policy& policy, time_point now);

struct purge_totals {
  std::int64_t outbox_deleted = 0;
  std::int64_t audit_deleted = 0;
  std::int64_t batches = 0;
  std::int64_t failures = 0;  // passes that ended on a store error (retried at the next pass)
};

class purger {
 public:
  using clock_fn = std::function<time_point()>;

  purger(core::retention_store& store, retention_policy policy, clock_fn now = std::chrono::system_clock::now);
  ~purger();
  purger(const purger&) = delete;
  purger& operator=(const purger&) = delete;

  void start();
  // Ends the pass in progress after its current batch and joins the thread.
  void stop();

  // One pass: batches until the store reports no more (or fails). Returns what this pass deleted.
  purge_totals purge_now();

  // Everything deleted since construction (any thread; for /metrics).
  purge_totals totals() const;

 private:
  void run();

  core::retention_store& store_;
  const retention_policy policy_;
  const clock_fn now_;
  std::atomic<std::int64_t> outbox_deleted_{0};
  std::atomic<std::int64_t> audit_deleted_{0};
  std::atomic<std::int64_t> batches_{0};
  std::atomic<std::int64_t> failures_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace gateway::retention
