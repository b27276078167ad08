#pragma once
// AuditEvents for the caller and request of a command. A write carries its AuditEvent inside its
// own unit of work (audit_of fills in who and which request). An access that changes nothing —
// a read, a search, a repeat, a refusal, an operator's read — is recorded with record_access on
// the bounded audit path (audit_path.hpp): the record is durable before the caller learns the
// outcome, and when the path is full the access is refused (too_busy), never left unrecorded.
//
// Thread safety: any thread.
#include <string>
#include <vector>

#include "gateway/app/command.hpp"
#include "gateway/app/context.hpp"
#include "gateway/app/refusal.hpp"
#include "gateway/app/store_call.hpp"
#include "gateway/core/audit_event.hpp"
#include "gateway/core/store_records.hpp"

namespace gateway::app {

// Who and which request, for the audit_input of a write (the plan fills in the rest).
core::audit_input audit_of(const caller& who, const request_meta& meta);

struct audited_access {
  core::audit_action action = core::audit_action::read;
  std::string interaction;  // restful-interaction code: read, vread, history-instance, search-type, ...
  std::string entity_type;
  std::string entity_id;
  bool success = true;
  std::string outcome_text;
  std::vector<core::audit_entity> more_entities;  // a search's answer; an operator's outbox item
  bool server_fault = false;                      // outcome 8 rather than 4 when !success
};

// Commits one AuditEvent; `done` gets the store's answer, or store_errc::too_busy at once when
// the audit path is full. The caller must not disclose anything until `done` says it is stored,
// and answers audit_refusal when it is not. Marks the request audited (command.hpp: audit_mark).
void record_access(const context& ctx, const caller& who, const request_meta& meta, const audited_access& access,
                   core::store_callback<core::commit_outcome> done);

// The refusal for an access whose record could not be stored: unavailable (503 + Retry-After),
// "nothing was disclosed", whatever the store said.
refusal audit_refusal(const core::commit_failure& failure);

// record_access awaited from a use case.
inline auto audit_access(const context& ctx, caller who, request_meta meta, audited_access access) {
  return call_store<core::commit_outcome>(
      std::bind_front(&record_access, std::cref(ctx), std::move(who), std::move(meta), std::move(access)));
}

// Commits a write's unit of work, which carries the write's AuditEvent; once it is committed the
// request counts as audited (no second record for it).
void commit_audited_write(core::store* store, std::shared_ptr<audit_mark> mark, core::unit_of_work work,
                          core::store_callback<core::commit_outcome> done);

// commit_audited_write awaited from a use case.
inline auto store_commit_audited(const context& ctx, const request_meta& meta, core::unit_of_work work) {
  return call_store<core::commit_outcome>(
      std::bind_front(&commit_audited_write, ctx.store, meta.audited, std::move(work)));
}

}  // namespace gateway::app
