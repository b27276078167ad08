#pragma once
// The use-case services, built once by the wiring over one context; every front door calls
// these and nothing below them (DESIGN.md §4). A front door: turns its input into a command
// (parsed, R4-valid resources + caller + request metadata), starts the service's task with
// app::start on a resumer of its own (the FHIR API: await_use_case, on the connection's strand),
// and turns the result or the refusal into its answer.
//
// Thread safety: immutable after construction; every member function may run concurrently.
#include "gateway/app/context.hpp"
#include "gateway/app/outcome_create.hpp"
#include "gateway/app/referral_create.hpp"
#include "gateway/app/referral_update.hpp"
#include "gateway/app/service_level.hpp"
#include "gateway/app/task_update.hpp"

namespace gateway::app {

struct services {
  explicit services(const context& ctx)
      : ctx(ctx),
        referral_create(ctx),
        referral_update(ctx),
        task_update(ctx),
        outcome_create(ctx),
        service_level(ctx) {}

  const context& ctx;  // a front door records the accesses no service decides (audit_trail.hpp)

  referral_create_service referral_create;
  referral_update_service referral_update;  // update and cancel
  task_update_service task_update;
  outcome_create_service outcome_create;
  service_level_service service_level;  // the overdue check for urgent referrals
};

}  // namespace gateway::app
