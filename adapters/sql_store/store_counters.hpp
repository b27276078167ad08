#pragma once
// Counters shared by a store's writer and readers; read by its metrics() (SQLite and PostgreSQL).

#include "gateway/core/store.hpp"

#include <atomic>
#include <cstdint>

namespace gateway::sql_store {

struct store_counters {
  std::atomic<std::uint64_t> transactions_committed{0};
  std::atomic<std::uint64_t> transactions_failed{0};
  std::atomic<std::uint64_t> units_committed{0};
  std::atomic<std::uint64_t> units_rejected{0};
  std::atomic<std::uint64_t> too_busy{0};
  std::atomic<std::uint64_t> largest_batch{0};
  std::atomic<std::uint64_t> write_queue_depth{0};
  std::atomic<std::uint64_t> read_queue_depth{0};
  std::atomic<bool> available{true};
  std::atomic<std::uint64_t> consecutive_failures{0};  // write transactions failed since one committed

  // A write transaction (one that wrote: a commit batch, an outbox change, a health probe)
  // committed, or one failed: storage health now, for readiness.
  void note_transaction(bool committed) {
    if (committed) {
      consecutive_failures.store(0, std::memory_order_relaxed);
    } else {
      consecutive_failures.fetch_add(1, std::memory_order_relaxed);
    }
  }

  void note_batch(std::uint64_t size) {
    std::uint64_t largest = largest_batch.load(std::memory_order_relaxed);
    while (size > largest && !largest_batch.compare_exchange_weak(largest, size)) {
    }
  }

  gateway::core::store_metrics snapshot() const {
    const auto get = [](const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); };
    return gateway::core::store_metrics{get(transactions_committed),
                                        get(transactions_failed),
                                        get(units_committed),
                                        get(units_rejected),
                                        get(too_busy),
                                        get(largest_batch),
                                        get(write_queue_depth),
                                        get(read_queue_depth),
                                        available.load(std::memory_order_relaxed),
                                        get(consecutive_failures)};
  }
};

}  // namespace gateway::sql_store
