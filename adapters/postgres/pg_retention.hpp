#pragma once
// Retention statements on PostgreSQL (gateway/core/store_retention.hpp), run as one job of the
// outbox worker: one transaction of at most request.max_rows deletions.

#include "adapters/postgres/pg_connection.hpp"
#include "gateway/core/store_retention.hpp"

namespace gateway::postgres {

// Deletes up to request.max_rows expired rows (delivered outbox items first, then audit records)
// in one transaction. Rows another instance's purge holds are skipped, not waited for. Throws
// pg_error (the caller answers unavailable; nothing was deleted).
gateway::core::purge_result purge_expired_rows(pg_connection& db, const gateway::core::purge_request& request);

}  // namespace gateway::postgres
