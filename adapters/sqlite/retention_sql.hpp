#pragma once
// Retention statements (gateway/core/store_retention.hpp), run as one writer job inside a batch.

#include "adapters/sqlite/connection.hpp"
#include "gateway/core/store_retention.hpp"

namespace gateway::sqlite {

// Deletes up to request.max_rows expired rows (delivered outbox items first, then audit records)
// with secure_delete on, so the deleted payloads are overwritten in the file. Throws db_error.
gateway::core::purge_result purge_expired_rows(connection& db, const gateway::core::purge_request& request);

}  // namespace gateway::sqlite
