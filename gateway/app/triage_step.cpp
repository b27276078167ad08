#include "gateway/app/triage_step.hpp"

namespace gateway::app {

core::triage_result triage_referral(const context& ctx, const core::referral& referral,
                                    std::chrono::system_clock::time_point now) {
  return core::evaluate(*ctx.triage_rules, referral, core::date{std::chrono::floor<std::chrono::days>(now)});
}

}  // namespace gateway::app
