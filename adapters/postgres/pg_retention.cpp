#include "adapters/postgres/pg_retention.hpp"

#include "adapters/sql_store/outbox_columns.hpp"
#include "gateway/core/store_time.hpp"

namespace gateway::postgres {

gateway::core::purge_result purge_expired_rows(pg_connection& db, const gateway::core::purge_request& request) {
  gateway::core::purge_result result;
  const auto budget = static_cast<std::int64_t>(request.max_rows);
  db.exec("BEGIN");
  // Through the partial index outbox_delivered_at (migration 2).
  const auto outbox = db.run(R"sql(
DELETE FROM outbox WHERE seq IN (
  SELECT seq FROM outbox WHERE state = 'delivered' AND delivered_at < $1
  ORDER BY delivered_at LIMIT $2 FOR UPDATE SKIP LOCKED))sql",
                             pg_params(sql_store::to_ms(request.delivered_before), budget));
  result.outbox_deleted = outbox.affected();
  if (result.outbox_deleted < budget) {
    // `recorded` is a fixed-width UTC instant (COLLATE "C"), so text order is time order.
    const auto audit =
        db.run(R"sql(
DELETE FROM audit WHERE seq IN (
  SELECT seq FROM audit WHERE recorded < $1 ORDER BY recorded LIMIT $2 FOR UPDATE SKIP LOCKED))sql",
               pg_params(gateway::core::format_store_instant(request.audit_before), budget - result.outbox_deleted));
    result.audit_deleted = audit.affected();
  }
  db.exec("COMMIT");
  result.more = result.outbox_deleted + result.audit_deleted >= budget;
  return result;
}

}  // namespace gateway::postgres
