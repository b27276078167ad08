#pragma once
// The bounded path for the AuditEvents of accesses that change nothing (reads, searches, refusals,
// operator reads): each is committed durably before the answer leaves, and at most `limit` are
// waiting for the store at once (the wiring gives half the store's queue, so reads never crowd
// out writes). When the path is full the access is refused with too_busy (503 + Retry-After):
// nothing is disclosed without its record, and no record is dropped. The counters are the
// audit-lag metrics (/metrics: gateway_audit_*).
//
// Thread safety: any thread.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace gateway::app {

class audit_path {
 public:
  explicit audit_path(std::size_t limit) : limit_(limit == 0 ? 1 : limit) {}

  // Takes a place for one record; false when the path is full (the refusal is counted).
  bool enter();
  // Gives the place back once the store answered; `waited` is how long the record took to be durable.
  void leave(std::chrono::steady_clock::duration waited, bool stored);

  std::size_t pending() const { return pending_.load(); }
  void collect(std::string& out) const;  // Prometheus text

 private:
  const std::size_t limit_;
  std::atomic<std::size_t> pending_{0};
  std::atomic<std::uint64_t> stored_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> refused_{0};
  mutable std::atomic<std::int64_t> lag_max_us_{0};  // the longest wait since the last scrape (reset by it)
};

}  // namespace gateway::app
