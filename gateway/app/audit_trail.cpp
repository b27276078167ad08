#include "gateway/app/audit_trail.hpp"

#include "gateway/app/audit_path.hpp"
#include "gateway/core/store.hpp"
#include "gateway/core/store_errc.hpp"

namespace gateway::app {
namespace {

// Gives the audit path's place back when the store answers.
struct leave_path {
  audit_path* path;
  std::chrono::steady_clock::time_point started;
  core::store_callback<core::commit_outcome> done;
  void operator()(core::commit_outcome outcome) {
    if (path != nullptr) path->leave(std::chrono::steady_clock::now() - started, outcome.has_value());
    done(std::move(outcome));
  }
};

}  // namespace

core::audit_input audit_of(const caller& who, const request_meta& meta) {
  core::audit_input in;
  in.caller_name = who.name;
  in.caller_org = who.organisation;
  in.caller_role = std::string(core::to_string(who.role));
  in.request_id = meta.request_id;
  in.correlation_id = meta.correlation_id;
  in.on_behalf_of = meta.on_behalf_of;
  return in;
}

refusal audit_refusal(const core::commit_failure& failure) {
  return refusal::single(refusal_kind::unavailable, fhir::issue_code::processing,
                         failure.code == core::store_errc::too_busy
                             ? "the audit trail is busy: the request was not served (nothing disclosed). Retry shortly"
                             : "the audit trail cannot be written: the request was not served. Retry later");
}

void record_access(const context& ctx, const caller& who, const request_meta& meta, const audited_access& access,
                   core::store_callback<core::commit_outcome> done) {
  if (ctx.audit != nullptr && !ctx.audit->enter()) {
    done(core::commit_failure{core::store_errc::too_busy, "the audit path is full", {}, {}, {}});
    return;
  }
  core::audit_input in = audit_of(who, meta);
  if (who.name.empty() && who.organisation.empty()) in.caller_role = "unidentified";
  in.id = ctx.new_id();
  in.recorded = ctx.now();
  in.action = access.action;
  in.interaction = access.interaction;
  in.entity_type = access.entity_type;
  in.entity_id = access.entity_id;
  in.outcome = access.success        ? core::audit_success
               : access.server_fault ? core::audit_serious_failure
                                     : core::audit_minor_failure;
  in.outcome_text = access.outcome_text;
  in.more_entities = access.more_entities;
  core::unit_of_work work;
  work.audits.push_back(core::build_audit_record(in));
  ctx.store->commit(std::move(work), leave_path{ctx.audit, std::chrono::steady_clock::now(), std::move(done)});
}

}  // namespace gateway::app
