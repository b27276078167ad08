#pragma once
// Use case: the service-level check for urgent referrals (core/service_level.hpp says when a
// notice is due and what it writes). sweep() finds the urgent Tasks still waiting to be accepted
// and raises each notice that is due: the Task's next version and a `referral.overdue` event, in
// one unit of work. A Task that moved meanwhile (version conflict) is left for the next sweep.
// The wiring runs sweep() periodically (gateway/service_level_timer.hpp); tests call it with
// their own clock (context::now), so nothing waits on real time.
//
// Thread safety: the service is immutable; sweeps should not overlap (a second one would only
// lose version races, never raise a notice twice).
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "gateway/app/context.hpp"
#include "gateway/app/refusal.hpp"
#include "gateway/app/task.hpp"

namespace gateway::app {

struct overdue_sweep {
  std::size_t waiting = 0;  // urgent Tasks not yet accepted that were looked at
  std::size_t raised = 0;   // referral.overdue notices raised (committed)
};

class service_level_service {
 public:
  explicit service_level_service(const context& ctx) : ctx_(ctx) {}

  task<result<overdue_sweep>> sweep() const;

 private:
  task<result<bool>> raise_if_due(core::resource_record task_record, std::chrono::system_clock::time_point now) const;

  const context& ctx_;
};

}  // namespace gateway::app
