#include "adapters/sqlite/retention_sql.hpp"

#include "gateway/core/store_time.hpp"

namespace gateway::sqlite {
namespace {

// Restores the connection's secure_delete setting however the purge ends.
class secure_delete_on {
 public:
  explicit secure_delete_on(connection& db) : db_(db) {
    auto current = db_.prepare("PRAGMA secure_delete");
    restore_ = "PRAGMA secure_delete=" + std::to_string(current->step() ? current->int64(0) : 0);
    db_.exec("PRAGMA secure_delete=ON");
  }
  ~secure_delete_on() { db_.try_exec(restore_.c_str()); }
  secure_delete_on(const secure_delete_on&) = delete;
  secure_delete_on& operator=(const secure_delete_on&) = delete;

 private:
  connection& db_;
  std::string restore_;
};

}  // namespace

gateway::core::purge_result purge_expired_rows(connection& db, const gateway::core::purge_request& request) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  gateway::core::purge_result result;
  const auto budget = static_cast<std::int64_t>(request.max_rows);
  // Deleted payloads are overwritten, not left in free pages. Debian's SQLite has this on by
  // default (SQLITE_SECURE_DELETE); set here so a build without it purges the same way.
  secure_delete_on scrub(db);
  // Through the partial index outbox_delivered_at (state = 'delivered' is what it covers).
  db.cached(
        "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE state = 'delivered' AND delivered_at < ?1 "
        "ORDER BY delivered_at LIMIT ?2)")
      .bind_all(duration_cast<milliseconds>(request.delivered_before.time_since_epoch()).count(), budget)
      .run();
  result.outbox_deleted = db.changes();
  if (result.outbox_deleted < budget) {
    // `recorded` is a fixed-width UTC instant, so text order is time order (index audit_by_time).
    db.cached("DELETE FROM audit WHERE seq IN (SELECT seq FROM audit WHERE recorded < ?1 ORDER BY recorded LIMIT ?2)")
        .bind_all(gateway::core::format_store_instant(request.audit_before), budget - result.outbox_deleted)
        .run();
    result.audit_deleted = db.changes();
  }
  result.more = result.outbox_deleted + result.audit_deleted >= budget;
  return result;
}

}  // namespace gateway::sqlite
