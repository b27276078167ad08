#pragma once
// The dispatcher's series for /metrics (issue 5 item 6): queue depth (pending, dead) and the age of
// the oldest pending item, refreshed from the store every second by the dispatcher; deliveries by
// channel and result (delivered / retry / dead); and the latency of each attempt (hand-over to the
// port until its result) as a histogram per channel. Channels are the few the core writes, so the
// number of series stays small.
//
// Thread safety: every member is thread-safe.
#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/retry_schedule.hpp"
#include "gateway/core/store_outbox.hpp"
#include "gateway/telemetry/metrics.hpp"

namespace gateway::outbox {

class outbox_metrics {
 public:
  void count(std::string_view channel, core::next_action::kind result);
  void observe_attempt(std::string_view channel, double seconds);
  void set_queue(const core::outbox_stats& stats);

  // Appends complete metric families; give it to telemetry::metrics::add_collector.
  void collect(std::string& out) const;

  std::uint64_t deliveries(std::string_view channel, core::next_action::kind result) const;

 private:
  struct histogram {
    std::array<std::uint64_t, telemetry::metrics::latency_buckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t, std::less<>> results_;  // (channel, kind)
  std::map<std::string, histogram, std::less<>> latency_;
  bool have_queue_ = false;
  core::outbox_stats queue_;
};

}  // namespace gateway::outbox
