#pragma once
// Records AuditEvents for accesses that change nothing (reads, searches, refusals). Writes carry
// their AuditEvent inside their own transaction; these are committed on their own, without
// waiting: the answer does not depend on them, and group commit batches them with other work.
// A crash can lose the last few of them (never an audit of a write).
#include <string>

#include "gateway/api/api_request.hpp"
#include "gateway/core/store_records.hpp"

namespace gateway::core {
class store;
}

namespace gateway::api {

struct audited_access {
  core::audit_action action = core::audit_action::read;
  std::string interaction;  // restful-interaction code: read, vread, history-instance, search-type, ...
  std::string entity_type;
  std::string entity_id;
  bool success = true;
  std::string outcome_text;
};

void record_access(core::store& store, const api_request& request, const audited_access& access);

}  // namespace gateway::api
