#pragma once
// Reads the audit trail as the platform does (GET /fhir/AuditEvent, every page), for tests that
// prove each access leaves exactly one AuditEvent: the rows of one request are found by the
// X-Request-ID the test sent (AuditEvent.entity.detail), whatever the caller or entity.
#include <string>
#include <vector>

#include "tests/support/https_client.hpp"

namespace rg::testing {

struct audit_row {
  std::string action;      // C R U D E
  std::string outcome;     // 0 success, 4 refused, 8 server failure
  std::string agent_name;  // the configured caller, or "" / "unregistered certificate ..."
  std::string agent_role;  // referrer | platform | operator | unidentified
  std::string entity;      // the first entity's reference ("ServiceRequest/..."), "" if none
  std::string request_id;
  std::vector<std::string> more_entities;  // further entities' references or outbox item ids
};

// Every AuditEvent matching `query` ("entity=...", "agent=..."; "" for all), as `platform`.
std::vector<audit_row> audit_rows(https_client& platform, const std::string& query = {});

// The rows of one request.
std::vector<audit_row> rows_of_request(const std::vector<audit_row>& rows, const std::string& request_id);

}  // namespace rg::testing
