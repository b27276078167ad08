#pragma once
// Triage as the use cases run it: the configured rules over the referral as it now reads, on
// today's date. Every use case that (re)triages a referral calls this one function, so a change
// to when or how triage runs is made here once.
#include <chrono>

#include "gateway/app/context.hpp"
#include "gateway/core/referral.hpp"
#include "gateway/core/triage_evaluate.hpp"

namespace gateway::app {

core::triage_result triage_referral(const context& ctx, const core::referral& referral,
                                    std::chrono::system_clock::time_point now);

}  // namespace gateway::app
