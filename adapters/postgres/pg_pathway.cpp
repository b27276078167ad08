#include "adapters/postgres/pg_pathway.hpp"

#include "adapters/sql_store/pathway_sql.hpp"

namespace gateway::postgres {

namespace core = gateway::core;
namespace codec = gateway::sql_store;

core::pathway_outcome read_pathway(pg_connection& db, const core::pathway_window& window) {
  const auto& sql = codec::pathway_sql(codec::placeholder_style::dollar);
  const codec::pathway_binds b = codec::pathway_binds_of(window);
  codec::pathway_builder facts(window.max_rows);
  db.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");  // one snapshot for every list
  const auto window_params = pg_params(b.from, b.to, b.limit);
  const auto each_row = [&db](const std::string& statement, const pg_params& params, const auto& take) {
    const auto r = db.run(statement, params);
    for (int i = 0; i < r.rows(); ++i) take(r, i);
  };
  each_row(sql.referrals, window_params,
           [&](const pg_result& r, int i) { facts.referral(r.text(i, 0), r.text(i, 1), r.text(i, 2)); });
  each_row(sql.task_versions, window_params,
           [&](const pg_result& r, int i) { facts.task_version(r.text(i, 0), r.text(i, 1), r.text(i, 2)); });
  each_row(sql.scores, window_params,
           [&](const pg_result& r, int i) { facts.score(r.text(i, 0), r.text(i, 1), r.text(i, 2)); });
  each_row(sql.waiting_tasks, pg_params(b.limit),
           [&](const pg_result& r, int i) { facts.waiting_task(r.text(i, 0), r.text(i, 1)); });
  each_row(sql.outbox_counts, pg_params(), [&](const pg_result& r, int i) {
    facts.outbox_count(r.text(i, 0), r.text(i, 1), r.text(i, 2), r.int64(i, 3), r.int64(i, 4));
  });
  each_row(sql.outbox_errors, pg_params(b.limit),
           [&](const pg_result& r, int i) { facts.outbox_error(r.text(i, 0), r.text(i, 1), r.text(i, 2)); });
  each_row(sql.dead_items, pg_params(b.limit),
           [&](const pg_result& r, int i) { facts.dead_item(r.text(i, 0), r.text(i, 1), r.text(i, 2)); });
  each_row(sql.feedback, pg_params(b.from_ms, b.to_ms),
           [&](const pg_result& r, int i) { facts.feedback(r.text(i, 0), r.text(i, 1), r.int64(i, 2)); });
  db.exec("COMMIT");
  return std::move(facts).finish();
}

}  // namespace gateway::postgres
