#include "gateway/app/audit_trail.hpp"

#include "gateway/core/store.hpp"

namespace gateway::app {

core::audit_input audit_of(const caller& who, const request_meta& meta) {
  core::audit_input in;
  in.caller_name = who.name;
  in.caller_org = who.organisation;
  in.caller_role = std::string(core::to_string(who.role));
  in.request_id = meta.request_id;
  return in;
}

void record_access(const context& ctx, const caller& who, const request_meta& meta, const audited_access& access) {
  core::audit_input in = audit_of(who, meta);
  in.id = ctx.new_id();
  in.recorded = ctx.now();
  in.action = access.action;
  in.interaction = access.interaction;
  in.entity_type = access.entity_type;
  in.entity_id = access.entity_id;
  in.outcome = access.success ? core::audit_success : core::audit_minor_failure;
  in.outcome_text = access.outcome_text;
  core::unit_of_work work;
  work.audits.push_back(core::build_audit_record(in));
  ctx.store->commit(std::move(work), [](core::commit_outcome) {});
}

}  // namespace gateway::app
