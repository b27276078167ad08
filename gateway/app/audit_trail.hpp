#pragma once
// AuditEvents for the caller and request of a command. A write carries its AuditEvent inside its
// own unit of work (audit_of fills in who and which request); an access that changes nothing —
// a read, a search, a refusal — is recorded with record_access, committed on its own without
// waiting: the answer does not depend on it, and group commit batches it with other work. A crash
// can lose the last few of those (never the audit of a write).
//
// Thread safety: any thread.
#include <string>

#include "gateway/app/command.hpp"
#include "gateway/app/context.hpp"
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
};

void record_access(const context& ctx, const caller& who, const request_meta& meta, const audited_access& access);

}  // namespace gateway::app
