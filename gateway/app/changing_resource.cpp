#include "gateway/app/changing_resource.hpp"

#include "gateway/app/audit_trail.hpp"
#include "gateway/app/store_call.hpp"
#include "gateway/core/store_errc.hpp"

namespace gateway::app {

task<result<core::resource_record>> read_for_change(const context* ctx, caller who, request_meta meta,
                                                    change_target target, std::optional<std::int64_t> if_match) {
  audited_access refusal{core::audit_action::update, "update", target.type, target.id, false, {}, {}, false};
  auto read = store_read(*ctx->store, target.type, target.id);
  core::read_outcome stored = co_await read;
  if (!stored) {
    refusal.outcome_text = stored.error().message();
    auto audit = audit_access(*ctx, who, meta, refusal);
    const core::commit_outcome audited = co_await audit;
    if (!audited) co_return audit_refusal(audited.error());
    co_return refusal_from_store(stored.error());
  }
  const core::access_decision decision = core::decide(who.access(), target.action, stored->owner_org);
  if (decision != core::access_decision::allow) {
    refusal.outcome_text = std::string(core::to_string(decision));
    auto audit = audit_access(*ctx, who, meta, refusal);
    const core::commit_outcome audited = co_await audit;
    if (!audited) co_return audit_refusal(audited.error());
    if (decision == core::access_decision::not_found) co_return refusal_from_store(core::store_errc::not_found);
    co_return refusal::single(refusal_kind::forbidden, fhir::issue_code::processing,
                              std::move(target.forbidden_message));
  }
  if (if_match && *if_match != stored->version) co_return refusal_from_store(core::store_errc::version_conflict);
  co_return std::move(*stored);
}

}  // namespace gateway::app
