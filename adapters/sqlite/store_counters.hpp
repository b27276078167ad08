#pragma once
// Counters shared by the writer and the reader pool; read by sqlite_store::metrics().

#include <atomic>
#include <cstdint>

namespace gateway::sqlite {

struct store_counters {
  std::atomic<std::uint64_t> transactions_committed{0};
  std::atomic<std::uint64_t> transactions_failed{0};
  std::atomic<std::uint64_t> consecutive_failures{0};  // since the last transaction that committed
  std::atomic<std::uint64_t> units_committed{0};
  std::atomic<std::uint64_t> units_rejected{0};
  std::atomic<std::uint64_t> too_busy{0};
  std::atomic<std::uint64_t> largest_batch{0};
  std::atomic<std::uint64_t> write_queue_depth{0};
  std::atomic<std::uint64_t> read_queue_depth{0};
};

}  // namespace gateway::sqlite
