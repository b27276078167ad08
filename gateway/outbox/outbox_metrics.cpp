#include "gateway/outbox/outbox_metrics.hpp"

#include <algorithm>
#include <cstdio>

namespace gateway::outbox {
namespace {

const char* result_name(int kind) {
  switch (static_cast<core::next_action::kind>(kind)) {
    case core::next_action::kind::delivered:
      return "delivered";
    case core::next_action::kind::retry:
      return "retry";
    case core::next_action::kind::dead:
      return "dead";
  }
  return "unknown";
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

void outbox_metrics::count(std::string_view channel, core::next_action::kind result) {
  std::lock_guard lock(mutex_);
  ++results_[{std::string(channel), static_cast<int>(result)}];
}

std::uint64_t outbox_metrics::deliveries(std::string_view channel, core::next_action::kind result) const {
  std::lock_guard lock(mutex_);
  const auto it = results_.find(std::pair<std::string, int>{std::string(channel), static_cast<int>(result)});
  return it == results_.end() ? 0 : it->second;
}

void outbox_metrics::observe_attempt(std::string_view channel, double seconds) {
  std::lock_guard lock(mutex_);
  auto it = latency_.find(channel);
  if (it == latency_.end()) it = latency_.emplace(std::string(channel), histogram{}).first;
  auto& h = it->second;
  for (std::size_t i = 0; i < telemetry::metrics::latency_buckets.size(); ++i) {
    if (seconds <= telemetry::metrics::latency_buckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

void outbox_metrics::set_queue(const core::outbox_stats& stats) {
  std::lock_guard lock(mutex_);
  have_queue_ = true;
  queue_ = stats;
}

void outbox_metrics::collect(std::string& out) const {
  std::lock_guard lock(mutex_);
  if (have_queue_) {
    out += "# HELP gateway_outbox_items Outbox items waiting, by state (pending: to deliver; dead: parked).\n";
    out += "# TYPE gateway_outbox_items gauge\n";
    out += "gateway_outbox_items{state=\"pending\"} " + std::to_string(queue_.pending) + "\n";
    out += "gateway_outbox_items{state=\"dead\"} " + std::to_string(queue_.dead) + "\n";
    double age = 0;
    if (queue_.oldest_pending_created_at) {
      age = std::max(
          0.0,
          std::chrono::duration<double>(std::chrono::system_clock::now() - *queue_.oldest_pending_created_at).count());
    }
    out += "# HELP gateway_outbox_oldest_pending_age_seconds Age of the oldest pending outbox item (0 if none).\n";
    out += "# TYPE gateway_outbox_oldest_pending_age_seconds gauge\n";
    out += "gateway_outbox_oldest_pending_age_seconds " + number(age) + "\n";
  }
  out += "# HELP gateway_outbox_deliveries_total Delivery attempts by channel and result.\n";
  out += "# TYPE gateway_outbox_deliveries_total counter\n";
  for (const auto& [key, n] : results_) {
    out += "gateway_outbox_deliveries_total{channel=\"" + key.first + "\",result=\"" + result_name(key.second) +
           "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP gateway_outbox_attempt_duration_seconds Time from handing an item to its port to the result.\n";
  out += "# TYPE gateway_outbox_attempt_duration_seconds histogram\n";
  for (const auto& [channel, h] : latency_) {
    const std::string labels = "channel=\"" + channel + "\"";
    for (std::size_t i = 0; i < telemetry::metrics::latency_buckets.size(); ++i) {
      out += "gateway_outbox_attempt_duration_seconds_bucket{" + labels + ",le=\"" +
             number(telemetry::metrics::latency_buckets[i]) + "\"} " + std::to_string(h.buckets[i]) + "\n";
    }
    out +=
        "gateway_outbox_attempt_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
    out += "gateway_outbox_attempt_duration_seconds_sum{" + labels + "} " + number(h.sum) + "\n";
    out += "gateway_outbox_attempt_duration_seconds_count{" + labels + "} " + std::to_string(h.count) + "\n";
  }
}

}  // namespace gateway::outbox
