#include "gateway/api/audit_trail.hpp"

#include "gateway/api/resource_answer.hpp"
#include "gateway/core/audit_event.hpp"
#include "gateway/core/store.hpp"

namespace gateway::api {

void record_access(core::store& store, const api_request& request, const audited_access& access) {
  if (!request.who) return;
  core::audit_input in;
  in.id = new_uuid();
  in.recorded = std::chrono::system_clock::now();
  in.caller_name = request.who->name;
  in.caller_org = request.who->organization;
  in.caller_role = request.who->role;
  in.action = access.action;
  in.interaction = access.interaction;
  in.entity_type = access.entity_type;
  in.entity_id = access.entity_id;
  in.outcome = access.success ? core::audit_success : core::audit_minor_failure;
  in.outcome_text = access.outcome_text;
  in.request_id = request.request_id;
  core::unit_of_work work;
  work.audits.push_back(core::build_audit_record(in));
  store.commit(std::move(work), [](core::commit_outcome) {});
}

}  // namespace gateway::api
