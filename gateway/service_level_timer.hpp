#pragma once
// Runs the service-level check for urgent referrals (app::service_level_service::sweep) every
// `interval` on a thread of its own, and counts the notices it raised and the checks it completed
// for /metrics (gateway_referrals_overdue_total, gateway_service_level_checks_total). The sweep's store answers arrive
// on store threads and are handed back to this thread (a resumer with a queue), so use-case code never runs on a store
// thread. Destruction stops the thread after the sweep in progress finishes.
#include <chrono>
#include <memory>

namespace gateway::app {
struct services;
}
namespace gateway::telemetry {
class metrics;
}

namespace gateway {

class service_level_timer {
 public:
  static std::unique_ptr<service_level_timer> start(const app::services& services, std::chrono::milliseconds interval,
                                                    telemetry::metrics& metrics);
  ~service_level_timer();
  service_level_timer(const service_level_timer&) = delete;
  service_level_timer& operator=(const service_level_timer&) = delete;

 private:
  struct state;
  explicit service_level_timer(std::unique_ptr<state> s);
  std::unique_ptr<state> state_;
};

}  // namespace gateway
