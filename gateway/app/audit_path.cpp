#include "gateway/app/audit_path.hpp"

namespace gateway::app {

bool audit_path::enter() {
  std::size_t now = pending_.load();
  do {
    if (now >= limit_) {
      refused_.fetch_add(1);
      return false;
    }
  } while (!pending_.compare_exchange_weak(now, now + 1));
  return true;
}

void audit_path::leave(std::chrono::steady_clock::duration waited, bool stored) {
  (stored ? stored_ : failed_).fetch_add(1);
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(waited).count();
  std::int64_t seen = lag_max_us_.load();
  while (us > seen && !lag_max_us_.compare_exchange_weak(seen, us)) {
  }
  pending_.fetch_sub(1);
}

void audit_path::collect(std::string& out) const {
  out += "# HELP gateway_audit_pending Access audit records waiting to be durable (the audit lag, in records).\n";
  out += "# TYPE gateway_audit_pending gauge\n";
  out += "gateway_audit_pending " + std::to_string(pending_.load()) + "\n";
  out +=
      "# HELP gateway_audit_lag_seconds_max The longest an access audit record waited to be durable since the "
      "last scrape.\n";
  out += "# TYPE gateway_audit_lag_seconds_max gauge\n";
  const std::int64_t us = lag_max_us_.exchange(0);
  out += "gateway_audit_lag_seconds_max " + std::to_string(static_cast<double>(us) / 1e6) + "\n";
  out +=
      "# HELP gateway_audit_records_total Access audit records by result: stored, failed (storage error, the "
      "access was refused), refused (path full, 503).\n";
  out += "# TYPE gateway_audit_records_total counter\n";
  out += "gateway_audit_records_total{result=\"stored\"} " + std::to_string(stored_.load()) + "\n";
  out += "gateway_audit_records_total{result=\"failed\"} " + std::to_string(failed_.load()) + "\n";
  out += "gateway_audit_records_total{result=\"refused\"} " + std::to_string(refused_.load()) + "\n";
}

}  // namespace gateway::app
